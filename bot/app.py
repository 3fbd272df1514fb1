"""The object graph, built in one place from Settings. Parts are created on first use."""

from functools import cached_property

from bot.bank.embeddings import OnnxEmbedder
from bot.bank.service import BankService
from bot.bank.store import BankStore, http_client, persistent_client
from bot.bank.tenant_files import TenantBankFiles
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from bot.grading.grader import GradingService
from bot.grading.guard import InjectionGuard
from bot.grading.offline import OfflineGrader


class App:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def embedder(self) -> OnnxEmbedder:
        return OnnxEmbedder(
            self.settings.embedding_model_dir, batch_size=self.settings.embedding_batch_size
        )

    @cached_property
    def store(self) -> BankStore:
        if self.settings.chroma_host:
            connect = http_client(self.settings.chroma_host, self.settings.chroma_port)
        else:
            connect = persistent_client(self.settings.resolved_chroma_path)
        return BankStore(connect, self.embedder)

    @cached_property
    def bank(self) -> BankService:
        return BankService(
            self.settings.bank_dir, TenantBankFiles(self.settings.tenant_bank_dir), self.store
        )

    @cached_property
    def engine(self) -> ConversationEngine:
        return ConversationEngine(self.bank)

    @cached_property
    def grading(self) -> GradingService:
        return GradingService(OfflineGrader(self.embedder), InjectionGuard())

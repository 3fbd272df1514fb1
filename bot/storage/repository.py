"""Every repository over one database: what the engine and the scheduler are handed.

Each aggregate's queries live in `bot.storage.repositories`; a part that needs only one (the
grading budget: usage) can be given that one alone.
"""

from bot.storage.repositories.attempts import AttemptRepository
from bot.storage.repositories.banks import BankRepository
from bot.storage.repositories.base import StorageUnavailable
from bot.storage.repositories.daily import DailyRepository
from bot.storage.repositories.interviews import InterviewRepository
from bot.storage.repositories.privacy import PrivacyRepository
from bot.storage.repositories.reviews import ReviewRepository
from bot.storage.repositories.standings import StandingsRepository
from bot.storage.repositories.turns import TurnRepository
from bot.storage.repositories.undelivered import UndeliveredRepository
from bot.storage.repositories.usage import UsageRepository
from bot.storage.repositories.users import UserRepository
from bot.storage.results import Forgotten, Standing

__all__ = ["Forgotten", "Repository", "Standing", "StorageUnavailable"]


class Repository(
    UserRepository,
    AttemptRepository,
    StandingsRepository,
    InterviewRepository,
    DailyRepository,
    ReviewRepository,
    UsageRepository,
    PrivacyRepository,
    TurnRepository,
    BankRepository,
    UndeliveredRepository,
):
    """All aggregates on one engine (they share its session factory)."""

import gc

from bot.app import App
from bot.memory import pause_collection, settle_after_start


async def test_the_collector_paused_for_start_up_runs_again_once_serving(app: App) -> None:
    """`interview-bot run` pauses the cyclic collector while it starts; left paused, every
    reference cycle made while serving would stay in memory for the life of the process."""
    pause_collection()
    try:
        await app.prepare()
        assert not gc.isenabled()  # the adapters connect next: still starting
        app.start_background()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # start-up's objects set aside, not walked again
    finally:
        gc.enable()
        gc.unfreeze()
        await app.aclose()


def test_a_collector_that_was_never_paused_is_left_alone() -> None:
    frozen = gc.get_freeze_count()
    settle_after_start()  # `grade`, `bank` and tests never pause it
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen

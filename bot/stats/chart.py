"""A PNG of a user's score history and per-topic averages (matplotlib, imported on first use).

The Agg canvas is used directly, so no global matplotlib backend is switched.
"""

import io
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_TOPICS = 8
# A bar for an average of 0.0 is drawn this wide (in score units) so it differs from no bar.
ZERO_STUB = 0.2
MIN_ROWS = 4  # a single topic gets a bar of normal thickness, not the whole panel
BAR_COLOUR = "#4c72b0"
ZERO_COLOUR = "#c44e52"


def progress_png(history: list[tuple[datetime, float]], topics: dict[str, float]) -> bytes:
    figure = progress_figure(history, topics)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def progress_figure(history: list[tuple[datetime, float]], topics: dict[str, float]) -> "Figure":
    """The chart as a figure: `history` is one point per question, `topics` maps to averages."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    scores, by_topic = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    _draw_history(scores, sorted(history))
    _draw_topics(by_topic, dict(list(topics.items())[:MAX_TOPICS]))
    figure.tight_layout()
    return figure


def _draw_history(axes, history: list[tuple[datetime, float]]) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    axes.set_title("Scores over time")
    axes.set_ylabel("score /10")
    axes.set_ylim(-0.4, 10.4)  # a 0 or a 10 sits inside the frame, not on it
    axes.grid(axis="y", alpha=0.3)
    if not history:
        axes.text(0.5, 0.5, "no graded answers yet", ha="center", transform=axes.transAxes)
        axes.set_xticks([])
        return
    axes.plot([when for when, _ in history], [score for _, score in history], marker="o")
    locator = AutoDateLocator(minticks=3, maxticks=6)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.tick_params(axis="x", labelsize=8)


def _draw_topics(axes, topics: dict[str, float]) -> None:
    axes.set_title("Average by topic")
    axes.set_xlim(0, 11)  # room for the value label of a 10
    axes.set_xticks(range(0, 11, 2))
    if not topics:
        axes.set_yticks([])
        return
    names = list(topics)
    values = [topics[name] for name in names]
    bars = axes.barh(
        names,
        [max(value, ZERO_STUB) for value in values],
        color=[ZERO_COLOUR if value <= 0 else BAR_COLOUR for value in values],
        height=0.7,
    )
    axes.bar_label(bars, labels=[f"{value:.1f}" for value in values], padding=3, fontsize=8)
    axes.set_ylim(max(len(names), MIN_ROWS) - 0.5, -0.5)  # the first topic on top, as in the text
    axes.tick_params(axis="y", labelsize=7)

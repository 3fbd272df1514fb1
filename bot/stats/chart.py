"""A PNG of a user's score history and per-topic averages (matplotlib, imported on first use).

The Agg canvas is used directly, so no global matplotlib backend is switched.
"""

import io
from datetime import datetime


def progress_png(history: list[tuple[datetime, float]], topics: dict[str, float]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    scores, by_topic = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    if history:
        scores.plot([when for when, _ in history], [s for _, s in history], marker="o")
    scores.set_ylim(0, 10)
    scores.set_title("Scores over time")
    scores.set_ylabel("score /10")
    scores.tick_params(axis="x", labelrotation=30, labelsize=7)
    names = list(topics)[:8]
    by_topic.barh(names, [topics[name] for name in names], color="#4c72b0")
    by_topic.set_xlim(0, 10)
    by_topic.set_title("Average by topic")
    by_topic.tick_params(axis="y", labelsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

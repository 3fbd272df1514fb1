"""The progress chart, checked on the figure's own objects before it becomes a PNG."""

from datetime import datetime, timedelta
from itertools import pairwise

import pytest

from bot.stats.chart import progress_figure, progress_png

START = datetime(2026, 11, 2, 9, 0)
TOPICS = {"transformers": 7.8, "rag": 6.1, "evaluation": 0.0, "serving": 10.0}


def history(points: int, span: timedelta) -> list[tuple[datetime, float]]:
    step = span / max(points - 1, 1)
    return [(START + step * i, float((i * 3) % 11)) for i in range(points)]


def panels(figure):
    scores, by_topic = figure.axes
    return scores, by_topic


def test_a_topic_averaging_zero_has_a_visible_bar_unlike_a_missing_topic():
    _, by_topic = panels(progress_figure(history(5, timedelta(days=4)), TOPICS))
    bars = by_topic.patches
    assert len(bars) == len(TOPICS)  # one bar per topic with data, none for topics without
    widths = {
        label.get_text(): bar.get_width() for label, bar in zip(_names(by_topic), bars, strict=True)
    }
    assert widths["evaluation"] > 0  # drawn, though its value is 0.0
    assert widths["evaluation"] < widths["rag"]
    zero = bars[list(TOPICS).index("evaluation")]
    assert zero.get_facecolor() != bars[0].get_facecolor()  # and marked as a zero


def test_every_bar_carries_its_value():
    _, by_topic = panels(progress_figure(history(5, timedelta(days=4)), TOPICS))
    assert [text.get_text() for text in by_topic.texts] == ["7.8", "6.1", "0.0", "10.0"]
    assert by_topic.get_xlim()[1] > 10  # the label of a 10 stays inside the panel


def test_topics_read_top_down_in_the_order_given():
    _, by_topic = panels(progress_figure([], TOPICS))
    bars = by_topic.patches
    tops = [bar.get_y() for bar in bars]
    bottom, top = by_topic.get_ylim()
    assert bottom > top  # inverted: the first topic is drawn on top
    assert tops == sorted(tops)


def test_history_draws_one_point_per_entry_inside_the_frame():
    points = [(START, 0.0), (START + timedelta(days=1), 10.0), (START + timedelta(days=2), 5.5)]
    scores, _ = panels(progress_figure(points, {}))
    (line,) = scores.lines
    assert [y for _, y in line.get_xydata()] == [0.0, 10.0, 5.5]
    low, high = scores.get_ylim()
    assert low < 0 and high > 10  # a 0 or a 10 is not hidden on the frame


@pytest.mark.parametrize(
    "span", [timedelta(hours=3), timedelta(days=5), timedelta(days=40), timedelta(days=400)]
)
def test_time_ticks_are_few_and_never_overlap(span):
    figure = progress_figure(history(60, span), TOPICS)
    figure.canvas.draw()
    scores, _ = panels(figure)
    renderer = figure.canvas.get_renderer()
    labels = [label for label in scores.get_xticklabels() if label.get_text()]
    assert 2 <= len(labels) <= 7
    boxes = sorted((label.get_window_extent(renderer) for label in labels), key=lambda b: b.x0)
    for left, right in pairwise(boxes):
        assert left.x1 < right.x0, [label.get_text() for label in labels]


def test_no_history_says_so_and_still_renders():
    scores, _ = panels(progress_figure([], {}))
    assert [text.get_text() for text in scores.texts] == ["no graded answers yet"]
    assert progress_png([], {}).startswith(b"\x89PNG\r\n\x1a\n")


def _names(axes):
    axes.figure.canvas.draw()
    return axes.get_yticklabels()

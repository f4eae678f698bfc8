"""The programme charts' gridlines: round values a reader can use, the scale's top kept."""

import pytest

from training.services.programmes.charts import hbar_chart, tick_values


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (12, [0, 5, 10, 12]),
        (24, [0, 5, 10, 15, 20, 24]),
        (100, [0, 20, 40, 60, 80, 100]),
        (141, [0, 50, 100, 141]),  # the preliminary scorecard's full scale
        (101, [0, 25, 50, 75, 101]),  # 100 would crowd 101: the top replaces it
        (2000, [0, 500, 1000, 1500, 2000]),
    ],
)
def test_ticks_are_round_and_end_at_the_maximum(maximum, expected):
    assert tick_values(maximum) == expected


def test_tick_labels_are_placed_on_the_scale():
    chart = hbar_chart([("A", [70.5, None], "")], 141, ["first", "latest"])
    labels = [label for _x, label in chart.ticks]
    assert labels == ["0", "50", "100", "141"]
    xs = [x for x, _label in chart.ticks]
    assert xs[0] == chart.plot_x and xs[-1] == chart.plot_x + chart.plot_width
    assert xs[1] == round(chart.plot_x + chart.plot_width * 50 / 141, 1)
    assert chart.rows[0].bars[0].width == round(chart.plot_width / 2, 1)

"""Staff PIN rules (kiosk.settings): no default PIN, and no PIN a passer-by guesses first."""

import pytest

from kiosk.settings import Settings, pin_problem


def test_no_pin_is_accepted_before_staff_set_one():
    """check_pin took 000000 while no PIN was stored: anyone who knew the default was staff."""
    fresh = Settings()
    assert not any(fresh.check_pin(p) for p in ("000000", "", "123456"))
    fresh.set_pin("135790")
    assert fresh.check_pin("135790") and not fresh.check_pin("000000")


@pytest.mark.parametrize("pin", ["123456", "654321", "000000", "888888", "121212", "520520",
                                 "0123456789", "123123123"])
def test_pins_guessed_first_are_refused(pin):
    assert "容易被猜到" in pin_problem(pin)


@pytest.mark.parametrize("pin", ["12345", "1234567890123", "12345a", "１２３４５６"])
def test_pins_of_the_wrong_shape_are_refused(pin):
    assert "6 到 12 位数字" in pin_problem(pin)


@pytest.mark.parametrize("pin", ["135790", "246810", "112233", "907153", "314159265358"])
def test_ordinary_pins_are_accepted(pin):
    assert pin_problem(pin) is None

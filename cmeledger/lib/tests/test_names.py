from __future__ import annotations

import pytest

from cmeledger.lib.names import normalise_name, same_name


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Abbot", "ABBOT"),
        ("Núñez", "Nunez"),
        ("O'Brien-Smith", "obrien smith"),
        ("Garcia Jr.", "Garcia"),
        ("Lee III", "lee"),
        ("Chen, MD", "Chen"),
        ("van der Berg", "Van Der Berg"),
        ("Müller", "MULLER"),
    ],
)
def test_spellings_of_one_name_agree(first, second):
    assert same_name(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [("Abbot", "Abbott"), ("Lee", "Li"), ("Smith", ""), ("", "")],
)
def test_different_names_do_not_agree(first, second):
    assert not same_name(first, second)


def test_a_surname_that_looks_like_a_suffix_is_kept_when_it_is_the_only_word():
    assert normalise_name("Do") == "do"
    assert normalise_name("V") == "v"

"""Unified social credit codes (GB 32100-2015): normalisation and the check character."""

import pytest

from allies.domain.identifiers import USCC_ALPHABET, USCC_WEIGHTS, uscc_check_char, uscc_normalise, uscc_problem

VALID = ["91350100M000100Y43", "91110000600037341L", "91310000MA1FL0000N", "91440300MA5F00001A", "91330100MA2H00002T"]


def reference_check_char(first17: str) -> str:
    """GB 32100-2015 section 4 written out: C18 = 31 - (sum of Ci * 3^i mod 31) mod 31, 31 -> 0."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    value = 31 - total % 31
    return alphabet[0 if value == 31 else value]


def test_alphabet_and_weights_follow_the_standard():
    assert len(USCC_ALPHABET) == 31
    assert not set("IOSVZ") & set(USCC_ALPHABET)
    assert USCC_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code):
    assert uscc_problem(code) is None
    assert uscc_check_char(code[:17]) == code[17] == reference_check_char(code[:17])


@pytest.mark.parametrize("code", VALID)
def test_every_other_check_character_is_refused(code):
    wrong = [ch for ch in USCC_ALPHABET if ch != code[17]]
    assert len(wrong) == 30
    for ch in wrong:
        assert uscc_problem(code[:17] + ch) == "check_digit"


def test_a_single_changed_character_is_detected():
    code = "91350100M000100Y43"
    for i in range(17):
        for ch in "0A":
            if code[i] != ch:
                assert uscc_problem(code[:i] + ch + code[i + 1:]) == "check_digit", (i, ch)


def test_check_character_zero_case():
    # A body whose weighted sum is divisible by 31 gets check character "0", not an index error.
    body = next(b for b in (f"9111000060003{n:04d}" for n in range(10000)) if reference_check_char(b) == "0")
    assert uscc_check_char(body) == "0"
    assert uscc_problem(body + "0") is None


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100Y433", "9135010"])
def test_wrong_length(code):
    assert uscc_problem(code) == "length"


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_letters_not_in_the_alphabet(letter):
    assert uscc_problem("91350100M000100" + letter + "43") == "character"
    assert uscc_problem("91350100M000100Y4" + letter) == "character"


def test_other_characters():
    assert uscc_problem("91350100M000100Y4-") == "character"
    assert uscc_problem("91350100M000100y43") == "character"  # lower case is not normalised by uscc_problem


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
        ("９１３５０１００ｍ０００１００ｙ４３", "91350100M000100Y43"),
        (" 9135 0100 m000 100y 43 ", "91350100M000100Y43"),
        ("91350100M000100Y43\u3000", "91350100M000100Y43"),
        ("\t91110000600037341l\n", "91110000600037341L"),
        ("", ""),
    ],
)
def test_normalise(typed, stored):
    assert uscc_normalise(typed) == stored
    if stored:
        assert uscc_problem(uscc_normalise(typed)) is None

"""Chinese company identifiers: the 18-character unified social credit code (统一社会信用代码).

GB 32100-2015: 17 characters from a 31-symbol alphabet (digits and capital letters
without I, O, S, V, Z) followed by a check character computed with weights 3^i mod 31.
"""

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in map(chr, range(0xFF01, 0xFF5F))}


def uscc_normalise(code: str) -> str:
    """Upper-case, half-width, without spaces: how people type it is not how it is stored."""
    return code.translate(_FULLWIDTH).replace(" ", "").replace("\u3000", "").strip().upper()


def uscc_check_char(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """None when ``code`` (already normalised) is a valid USCC, else a reason code:
    ``length``, ``character`` or ``check_digit``."""
    if len(code) != 18:
        return "length"
    if any(ch not in _VALUE for ch in code):
        return "character"
    if uscc_check_char(code[:17]) != code[17]:
        return "check_digit"
    return None

"""Joint-customer matching: normalisation, keyed hashes and list overlap (pure Python, no database)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allies.domain.matching import (
    HASH_HEX_CHARS,
    Identifiers,
    Overlap,
    account_hashes,
    identifier_hash,
    matched_pairs,
    normalise_account,
    normalise_domain,
    normalise_name,
    normalise_uscc,
    overlap,
)

KEY = b"k" * 32
USCC = "91350100M000100Y43"  # check character verified in tests/core/test_identifiers.py


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(("raw", "expected"), [
    ("星火科技有限公司", "星火科技"),
    ("星火科技有限责任公司", "星火科技"),
    ("星火科技股份有限公司", "星火科技"),
    ("星火科技集团有限公司", "星火科技"),
    ("星火科技（集团）有限公司", "星火科技"),
    ("星火科技(集团)股份有限公司", "星火科技"),
    ("星火科技集团", "星火科技"),
    ("星火科技 有限公司", "星火科技"),
    ("星火科技公司", "星火科技"),
    ("星火科技总公司", "星火科技"),
    ("  星火 科技  ", "星火科技"),
    ("星火·科技", "星火科技"),
])
def test_chinese_company_forms_are_removed(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Spark Tech Co., Ltd.", "sparktech"),
    ("SPARK TECH CO LTD", "sparktech"),
    ("Spark Tech, Inc.", "sparktech"),
    ("Spark Tech LLC", "sparktech"),
    ("Spark Tech Limited", "sparktech"),
    ("Spark Tech Corp.", "sparktech"),
    ("Spark Tech Corporation", "sparktech"),
    ("Spark Tech Group Co., Ltd.", "sparktech"),
    ("Spark-Tech Pte. Ltd.", "sparktech"),
    ("Spark Tech GmbH", "sparktech"),
])
def test_english_company_forms_and_case_are_removed(raw, expected):
    assert normalise_name(raw) == expected


def test_full_width_characters_become_half_width():
    assert normalise_name("ＳＰＡＲＫ　Ｔｅｃｈ　Ｃｏ．，Ｌｔｄ．") == "sparktech"
    assert normalise_name("星火科技（集团）有限公司") == normalise_name("星火科技(集团)有限公司")
    assert normalise_name("ＡＢＣ１２３科技") == "abc123科技"


def test_only_trailing_company_forms_go():
    # "公司" inside a name, or an English word that is only a suffix at the end, stay
    assert normalise_name("有限公司测试中心") == "有限公司测试中心"
    assert normalise_name("Company of Heroes Studio") == "companyofheroesstudio"
    assert normalise_name("Limited Edition Ltd") == "limitededition"


def test_a_branch_is_not_its_parent():
    branch = normalise_name("星火科技有限公司北京分公司")
    assert branch == "星火科技有限公司北京分公司"
    assert branch != normalise_name("星火科技有限公司")


def test_a_name_that_is_only_a_company_form_is_kept_and_punctuation_only_is_empty():
    assert normalise_name("有限公司") == "有限公司"
    assert normalise_name("Co., Ltd.") == "coltd"
    assert normalise_name(" ，。！ ") == ""
    assert normalise_name("") == ""


# --------------------------------------------------------------------------- USCC and domains


def test_uscc_is_normalised_with_the_registry_rule_and_checked():
    assert normalise_uscc(" ９１３５０１００ｍ０００１００ｙ４３ ") == (USCC, None)
    assert normalise_uscc("9135 0100 M000 100Y43") == (USCC, None)
    assert normalise_uscc("91350100M000100Y44") == ("91350100M000100Y44", "check_digit")
    assert normalise_uscc("9135") == ("9135", "length")
    assert normalise_uscc("91350100M000100YI3")[1] == "character"
    assert normalise_uscc("") == ("", None)


@pytest.mark.parametrize(("raw", "expected"), [
    ("https://www.Spark.example.com:8443/about?x=1#top", "spark.example.com"),
    ("http://spark.example.com", "spark.example.com"),
    ("WWW.SPARK.EXAMPLE.COM/", "spark.example.com"),
    ("spark.example.com.", "spark.example.com"),
    ("ｗｗｗ．ｓｐａｒｋ．ｃｎ", "spark.cn"),
    ("sales@spark.example.com", "spark.example.com"),
    ("mailto:sales@Spark.cn", "spark.cn"),
    ("https://user:pw@spark.cn/x", "spark.cn"),
    ("www2.spark.cn", "www2.spark.cn"),
])
def test_url_forms_become_the_host(raw, expected):
    assert normalise_domain(raw) == (expected, None)


def test_chinese_domains_are_idna_encoded():
    assert normalise_domain("http://www.例子.中国/首页") == ("xn--fsqu00a.xn--fiqs8s", None)
    assert normalise_domain("例子。中国") == ("xn--fsqu00a.xn--fiqs8s", None)  # the ideographic full stop
    assert normalise_domain("xn--fsqu00a.xn--fiqs8s") == ("xn--fsqu00a.xn--fiqs8s", None)


@pytest.mark.parametrize("raw", ["not a domain", "localhost", "http://192.168.1.1/", "http://[::1]/", "-bad-.com",
                                 "a..b.com", "http://:80"])
def test_what_is_not_a_domain_is_reported(raw):
    assert normalise_domain(raw) == ("", "invalid")


def test_an_account_reports_bad_identifiers_and_needs_one_good_one():
    ids, problems = normalise_account("星火科技有限公司", "91350100M000100Y44", "not a domain")
    assert ids == Identifiers(name="星火科技")
    assert {(p.field, p.code) for p in problems} == {("uscc", "uscc_check_digit"), ("domain", "domain_invalid")}
    ids, problems = normalise_account("", "", "")
    assert not ids
    assert [(p.field, p.code) for p in problems] == [("name", "missing")]
    ids, problems = normalise_account("", USCC, "")
    assert ids == Identifiers(uscc=USCC) and problems == []


# --------------------------------------------------------------------------- hashes


def test_same_input_same_hash_and_128_bits_of_hex():
    h = identifier_hash(KEY, "name", "星火科技")
    assert h == identifier_hash(KEY, "name", "星火科技")
    assert len(h) == HASH_HEX_CHARS == 32
    int(h, 16)
    assert h != identifier_hash(KEY, "name", "星火科")


def test_different_key_different_hash():
    assert identifier_hash(KEY, "uscc", USCC) != identifier_hash(b"other-key", "uscc", USCC)


def test_kinds_are_separated():
    value = "spark.cn"
    assert len({identifier_hash(KEY, kind, value) for kind in ("name", "uscc", "domain")}) == 3
    with pytest.raises(ValueError):
        identifier_hash(KEY, "phone", value)


def test_absent_identifiers_hash_to_empty_and_equal_spellings_to_equal_hashes():
    assert identifier_hash(KEY, "domain", "") == ""
    a = account_hashes(KEY, normalise_account("星火科技（集团）有限公司", "", "https://www.spark.cn/")[0])
    b = account_hashes(KEY, normalise_account("星火科技集团", "", "SPARK.CN")[0])
    assert a == b
    assert a[1] == ""


# --------------------------------------------------------------------------- overlap


def row(name="", uscc="", domain=""):
    return (name, uscc, domain)


def test_overlap_matches_on_any_one_identifier():
    a = [row("n1", "u1", "d1"), row("n2"), row("", "u3"), row("n4", "", "d4"), row("n5")]
    b = [row("x", "u1"), row("n2", "", "dz"), row("", "", "d4"), row("n9", "u9", "d9")]
    result = overlap(a, b)
    assert result == Overlap(left=[0, 1, 3], right=[0, 1, 2])


def test_empty_identifiers_never_match_and_empty_lists_work():
    assert overlap([row("", "", "")], [row("", "", "")]) == Overlap([], [])
    assert overlap([], [row("n")]) == Overlap([], [])
    assert overlap([row("n")], []) == Overlap([], [])


def test_a_name_hash_never_matches_a_domain_hash_of_the_same_text():
    a = [account_hashes(KEY, Identifiers(name="spark.cn"))]
    b = [account_hashes(KEY, Identifiers(domain="spark.cn"))]
    assert overlap(a, b) == Overlap([], [])


def test_rows_may_carry_extra_fields_such_as_database_ids():
    a = [("n1", "", "", 101), ("n2", "", "", 102)]
    b = [("n2", "", "", 900)]
    assert overlap(a, b) == Overlap([1], [0])


def test_matched_pairs_lists_every_partner_of_the_first_matches():
    a = [row("n1", "u1"), row("n2"), row("n3")]
    b = [row("n1"), row("", "u1"), row("n3"), row("n1", "", "d")]
    result = overlap(a, b)
    assert matched_pairs(a, b, left=result.left, limit=10) == [(0, 0), (0, 1), (0, 3), (2, 2)]
    assert matched_pairs(a, b, left=result.left, limit=2) == [(0, 0), (0, 1)]


def brute_force(a, b) -> tuple[set[int], set[int], set[tuple[int, int]]]:
    """The definition, with nested loops: a pair matches when any non-empty hash is equal."""
    pairs = {(i, j) for i, x in enumerate(a) for j, y in enumerate(b)
             if any(x[k] and x[k] == y[k] for k in range(3))}
    return {i for i, _j in pairs}, {j for _i, j in pairs}, pairs


# Few distinct values, so random lists share identifiers (and repeat them within a list).
VALUE = st.sampled_from(["", "", "a", "b", "c", "d"])
ROW = st.tuples(VALUE, VALUE, VALUE)
LIST = st.lists(ROW, max_size=25)


@settings(max_examples=300, deadline=None)
@given(LIST, LIST)
def test_overlap_is_symmetric_and_equals_the_brute_force_reference(a, b):
    forward, backward = overlap(a, b), overlap(b, a)
    left, right, pairs = brute_force(a, b)
    assert forward == Overlap(sorted(left), sorted(right))
    # swapping the lists swaps the sides: the same matches, the same counts
    assert backward == Overlap(forward.right, forward.left)
    assert len(forward.left) + len(forward.right) == len(backward.left) + len(backward.right)
    assert matched_pairs(a, b, left=forward.left, limit=10_000) == sorted(pairs)
    assert len(matched_pairs(b, a, left=backward.left, limit=10_000)) == len(pairs)


def test_the_brute_force_reference_is_not_trivially_empty():
    # guards the property test: its random lists do produce matches
    left, right, pairs = brute_force([row("a"), row("", "b")], [row("a", "b")])
    assert (left, right, pairs) == ({0, 1}, {0}, {(0, 0), (1, 0)})

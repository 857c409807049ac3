"""Every web page for every role, through Django's test client (no browser).

anonymous -> login; partner user -> 404 on every internal page, its own company on /portal/;
viewer -> reads 200, writes 403; manager -> the full flows, with the errors shown where they belong.
"""

import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from allies.partners import screening
from allies.partners.models import Partner, Rating, ScreeningRun, StageChange
from allies.partners.selectors import default_model, version_criteria
from .htmltree import parse

pytestmark = pytest.mark.django_db

CODES = ["strategic_fit", "resource_complementarity", "financial_health", "market_reputation",
         "cultural_compatibility", "willingness"]
SCORES_A = (8, 9, 7, 8, 6, 7)
SCORES_B = (9, 7, 9, 9, 8, 8)
INCONSISTENT = {(0, 1): "9", (1, 2): "9", (0, 2): "1/9"}  # A >> B >> C, yet C >> A
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------- fixtures and helpers

def rate(partner, rater, scores, codes=CODES):
    for code, score in zip(codes, scores):
        Rating.objects.update_or_create(partner=partner, criterion_code=code, rater=rater,
                                        defaults={"score": score})


@pytest.fixture
def model(db):
    m = default_model()
    assert m is not None and m.name == "伙伴画像（六维）"
    assert [c.code for c in version_criteria(m.current_version)] == CODES
    return m


@pytest.fixture
def rated(model, manager, partner_a, partner_b):
    rate(partner_a, manager, SCORES_A)
    rate(partner_b, manager, SCORES_B)
    return partner_a, partner_b


@pytest.fixture
def run(rated, model, manager):
    return screening.screening_run_create(actor=manager, version=model.current_version, method="weighted",
                                          title="第一轮筛选")


@pytest.fixture
def urls(rated, model, run):
    """Every internal page (GET), by name, with the objects it needs."""
    a, b = rated
    return {
        "partners:list": reverse("partners:list"),
        "partners:detail": reverse("partners:detail", args=[a.pk]),
        "partners:edit": reverse("partners:edit", args=[a.pk]),
        "partners:create": reverse("partners:create"),
        "partners:import": reverse("partners:import"),
        "partners:export": reverse("partners:export") + "?format=xlsx",
        "screening:ranking": reverse("screening:ranking"),
        "screening:sensitivity": reverse("screening:sensitivity") + "?samples=50",
        "screening:compare": reverse("screening:compare") + f"?model={model.pk}&ids={a.pk}&ids={b.pk}",
        "screening:models": reverse("screening:models"),
        "screening:model_edit": reverse("screening:model_edit", args=[model.pk]),
        "screening:runs": reverse("screening:runs"),
        "screening:run_detail": reverse("screening:run_detail", args=[run.pk]),
    }


READ_PAGES = ["partners:list", "partners:detail", "partners:export", "screening:ranking", "screening:sensitivity",
              "screening:compare", "screening:models", "screening:model_edit", "screening:runs",
              "screening:run_detail"]
WRITE_FORM_PAGES = ["partners:create", "partners:edit", "partners:import"]


def editor_post(version, *, weights=None, mode="direct", ahp=None, action="save", **extra):
    """The model editor's form as the browser sends it, from a version's criteria."""
    criteria = version_criteria(version)
    data = {"rows": str(len(criteria) + 2), "weight_mode": mode, "action": action, "note": "",
            "disagreement_threshold": "3.0"}
    for i, c in enumerate(criteria):
        data.update({
            f"c{i}-code": c.code, f"c{i}-label_zh": c.label_zh, f"c{i}-label_en": c.label_en,
            f"c{i}-indicators": c.indicators, f"c{i}-direction": c.direction,
            f"c{i}-weight": str((weights or {}).get(c.code, c.weight)),
            f"c{i}-knockout_min": "" if c.knockout_min is None else str(c.knockout_min),
        })
    for i in range(len(criteria), len(criteria) + 2):
        data.update({f"c{i}-{f}": "" for f in ("code", "label_zh", "label_en", "indicators", "weight",
                                                 "knockout_min")})
        data[f"c{i}-direction"] = "benefit"
    for (i, j), value in (ahp or {}).items():
        data[f"ahp-{i}-{j}"] = value
    data.update(extra)
    return data


def page_messages(doc) -> list[str]:
    return [n.squashed for n in doc.find_all("div", role="alert")]


# --------------------------------------------------------------------------- anonymous

def test_anonymous_is_sent_to_login_from_every_page(client, urls, rated):
    a, _b = rated
    login = reverse("login")
    gets = ["/", reverse("portal:home"), *urls.values()]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login + "?next="), url
    posts = [reverse("partners:create"), reverse("partners:stage", args=[a.pk]),
             reverse("partners:ratings", args=[a.pk]), reverse("screening:run_create")]
    for url in posts:
        response = client.post(url, {"reason": "x"})
        assert response.status_code == 302 and response["Location"].startswith(login), url
    assert StageChange.objects.filter(reason="x").count() == 0


def test_login_page_renders_the_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    doc = parse(response.content)
    form = doc.find("main").find("form", method="post")
    assert form.find("input", name="username") is not None
    assert form.find("input", name="password", type="password") is not None


# --------------------------------------------------------------------------- partner users

def test_partner_user_gets_404_on_every_internal_page(client_for, partner_user, urls, rated, model):
    a, b = rated
    c = client_for(partner_user)
    for name, url in urls.items():
        response = c.get(url)
        assert response.status_code == 404, name
        assert "伙伴B" not in response.content.decode(), name
    # the 404 page is the application's own, in its layout
    doc = parse(c.get(urls["partners:list"]).content)
    assert doc.by_id("error-page").find("h1").squashed == "404 · 页面不存在"
    assert doc.find("html").attrs["lang"] == "zh-CN"
    # the other partner's detail, and every write, whether GET or POST
    assert c.get(reverse("partners:detail", args=[b.pk])).status_code == 404
    posts = {
        "stage": (reverse("partners:stage", args=[a.pk]), {"to_stage": "contacted", "reason": "偷偷改"}),
        "ratings": (reverse("partners:ratings", args=[a.pk]), {"score_strategic_fit": "10"}),
        "create": (reverse("partners:create"), {"name": "冒名公司"}),
        "model": (reverse("screening:model_edit", args=[model.pk]), editor_post(model.current_version)),
        "run": (reverse("screening:run_create"), {"model": model.pk}),
        "default": (reverse("screening:model_default", args=[model.pk]), {}),
    }
    for name, (url, data) in posts.items():
        assert c.post(url, data).status_code == 404, name
    assert not StageChange.objects.filter(reason="偷偷改").exists()
    assert not Partner.objects.filter(name="冒名公司").exists()
    assert not Rating.objects.filter(rater=partner_user).exists()


def test_partner_user_home_redirects_to_portal(client_for, partner_user):
    response = client_for(partner_user).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_portal_shows_only_the_own_company(client_for, partner_user, other_partner_user, partner_a, partner_b):
    from allies.partners.models import Contact

    Contact.objects.create(partner=partner_a, name="张三", email="zhang@a.example")
    Contact.objects.create(partner=partner_b, name="李四", email="li@b.example")
    response = client_for(partner_user).get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    doc = parse(html)
    assert doc.find("h1").squashed == "伙伴A"
    assert "张三" in html
    assert "伙伴B" not in html and "李四" not in html
    # the navigation offers the portal and the partner's own pages, nothing internal
    nav_links = [a.attrs["href"] for a in doc.find("ul", class_="navbar-nav").find_all("a")]
    assert nav_links[0] == reverse("portal:home")
    assert reverse("pilots:list") in nav_links
    for internal in ("partners:list", "screening:ranking", "diligence:list", "readiness:list"):
        assert reverse(internal) not in nav_links


def test_internal_users_get_404_on_the_portal(client_for, viewer, manager):
    assert client_for(viewer).get(reverse("portal:home")).status_code == 404
    assert client_for(manager).get(reverse("portal:home")).status_code == 404


# --------------------------------------------------------------------------- viewer

def test_viewer_reads_every_read_page(client_for, viewer, urls):
    c = client_for(viewer)
    assert c.get("/").status_code == 200
    for name in READ_PAGES:
        response = c.get(urls[name])
        assert response.status_code == 200, name


def test_viewer_gets_403_on_every_write(client_for, viewer, urls, rated, model):
    a, _b = rated
    c = client_for(viewer)
    for name in WRITE_FORM_PAGES:
        assert c.get(urls[name]).status_code == 403, name
    doc = parse(c.get(urls["partners:create"]).content)
    assert doc.by_id("error-page").find("h1").squashed == "403 · 没有权限"
    versions = model.versions.count()
    runs = ScreeningRun.objects.count()
    stage_before = a.stage
    csv = io.BytesIO("名称\n只读导入公司\n".encode())
    csv.name = "partners.csv"
    posts = {
        "create": (reverse("partners:create"), {"name": "只读新公司"}),
        "edit": (reverse("partners:edit", args=[a.pk]), {"name": "改名公司"}),
        "stage": (reverse("partners:stage", args=[a.pk]), {"to_stage": "contacted", "reason": "只读变更"}),
        "ratings": (reverse("partners:ratings", args=[a.pk]), {"score_strategic_fit": "1"}),
        "import": (reverse("partners:import"), {"file": csv}),
        "model save": (reverse("screening:model_edit", args=[model.pk]),
                       editor_post(model.current_version, weights={"strategic_fit": 5})),
        "run create": (reverse("screening:run_create"), {"model": model.pk, "method": "weighted"}),
        "make default": (reverse("screening:model_default", args=[model.pk]), {}),
    }
    for name, (url, data) in posts.items():
        assert c.post(url, data).status_code == 403, name
    a.refresh_from_db()
    assert a.name == "伙伴A" and a.stage == stage_before
    assert not Partner.objects.filter(name__in=["只读新公司", "只读导入公司", "改名公司"]).exists()
    assert not Rating.objects.filter(rater=viewer).exists()
    assert model.versions.count() == versions
    assert ScreeningRun.objects.count() == runs


def test_viewer_sees_no_write_controls(client_for, viewer, urls):
    c = client_for(viewer)
    detail = parse(c.get(urls["partners:detail"]).content)
    assert detail.find("input", name="score_strategic_fit") is None
    assert detail.find("input", name="reason") is None
    listing = parse(c.get(urls["partners:list"]).content)
    assert listing.find("a", href=reverse("partners:create")) is None
    ranking = parse(c.get(urls["screening:ranking"]).content)
    assert ranking.find("form", action=reverse("screening:run_create")) is None
    editor = parse(c.get(urls["screening:model_edit"]).content)
    assert editor.find("button", value="save") is None


def test_viewer_may_check_ahp_weights_without_saving(client_for, viewer, model):
    before = model.versions.count()
    response = client_for(viewer).post(reverse("screening:model_edit", args=[model.pk]),
                                       editor_post(model.current_version, mode="ahp", ahp=INCONSISTENT,
                                                   action="check"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "CR = " in parse(response.content).by_id("ahp-cr").squashed
    assert model.versions.count() == before


# --------------------------------------------------------------------------- manager: registry

def test_manager_reads_every_page(client_for, manager, urls):
    c = client_for(manager)
    for name, url in urls.items():
        assert c.get(url).status_code == 200, name


def test_manager_creates_a_partner_through_the_form(client_for, manager, model):
    c = client_for(manager)
    response = c.post(reverse("partners:create"), {
        "name": "伙伴新", "uscc": "91350100M000100Y43", "industry": "物流", "region": "福州",
        "size": "medium", "source_channel": "referral", "resources": ["channel", "brand"], "notes": "展会认识",
    })
    partner = Partner.objects.get(name="伙伴新")
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:detail", args=[partner.pk])
    assert (partner.uscc, partner.industry, partner.size, partner.resources) == (
        "91350100M000100Y43", "物流", "medium", ["channel", "brand"])
    doc = parse(c.get(response["Location"]).content)
    assert "已登记伙伴“伙伴新”。" in page_messages(doc)
    assert "伙伴新" in doc.find("h1").squashed


def test_invalid_uscc_is_shown_next_to_the_field_and_nothing_is_saved(client_for, manager):
    c = client_for(manager)
    response = c.post(reverse("partners:create"), {"name": "伙伴坏码", "uscc": "91350100M000100Y44"})
    assert response.status_code == 200
    assert not Partner.objects.filter(name="伙伴坏码").exists()
    doc = parse(response.content)
    uscc_input = doc.find("input", name="uscc")
    assert uscc_input.attrs.get("value") == "91350100M000100Y44"  # what the user typed is kept
    group = uscc_input.parent
    errors = [n.squashed for n in group.find_all("div", class_="text-danger")]
    assert errors == ["统一社会信用代码校验位不正确。"]
    # and not next to any other field
    name_group = doc.find("input", name="name").parent
    assert name_group.find_all("div", class_="text-danger") == []


def test_the_partner_form_keeps_the_checked_resources_after_an_error(client_for, manager):
    response = client_for(manager).post(reverse("partners:create"), {
        "name": "伙伴坏码", "uscc": "123", "resources": ["channel", "talent"]})
    assert response.status_code == 200
    boxes = parse(response.content).find_all("input", type="checkbox", name="resources")
    assert len(boxes) == 9
    assert all("form-check-input" in b.attrs["class"].split() for b in boxes)
    assert sorted(b.attrs["value"] for b in boxes if "checked" in b.attrs) == ["channel", "talent"]
    for b in boxes:
        assert b.attrs["id"]


def test_empty_name_is_rejected_by_the_form(client_for, manager):
    response = client_for(manager).post(reverse("partners:create"), {"name": "  "})
    assert response.status_code == 200
    group = parse(response.content).find("input", name="name").parent
    assert group.find("div", class_="text-danger") is not None
    assert Partner.objects.count() == 0


def test_manager_edits_a_partner(client_for, manager, partner_a):
    c = client_for(manager)
    form = parse(c.get(reverse("partners:edit", args=[partner_a.pk])).content)
    assert form.find("input", name="name").attrs["value"] == "伙伴A"
    response = c.post(reverse("partners:edit", args=[partner_a.pk]), {"name": "伙伴A", "industry": "机器人"})
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.industry == "机器人"


def test_stage_change_with_reason_is_recorded_and_shown(client_for, manager, partner_a):
    c = client_for(manager)
    response = c.post(reverse("partners:stage", args=[partner_a.pk]),
                      {"to_stage": "due_diligence", "reason": "高层会谈后决定尽调"})
    assert response.status_code == 302
    partner_a.refresh_from_db()
    assert partner_a.stage == "due_diligence"
    change = StageChange.objects.get(partner=partner_a, reason="高层会谈后决定尽调")
    assert (change.from_stage, change.to_stage, change.changed_by) == ("prospect", "due_diligence", manager)
    doc = parse(c.get(response["Location"]).content)
    assert doc.by_id("stage-badge").squashed == "尽职调查"
    history = doc.by_id("stage-history").find_all("li")
    assert "潜在伙伴 → 尽职调查 · 高层会谈后决定尽调" in history[0].squashed
    assert "manager" in history[0].squashed
    assert any("“伙伴A”已移到“尽职调查”。" == m for m in page_messages(doc))


@pytest.mark.parametrize("reason", ["", "   "])
def test_stage_change_without_reason_is_rejected_with_a_message(client_for, manager, partner_a, reason):
    c = client_for(manager)
    response = c.post(reverse("partners:stage", args=[partner_a.pk]), {"to_stage": "contacted", "reason": reason},
                      follow=True)
    assert response.status_code == 200
    partner_a.refresh_from_db()
    assert partner_a.stage == "prospect"
    assert not StageChange.objects.filter(partner=partner_a).exists()
    doc = parse(response.content)
    assert "请选择新阶段并填写原因。" in page_messages(doc)
    assert doc.by_id("stage-badge").squashed == "潜在伙伴"


def test_stage_change_to_the_same_stage_is_rejected(client_for, manager, partner_a):
    response = client_for(manager).post(reverse("partners:stage", args=[partner_a.pk]),
                                        {"to_stage": "prospect", "reason": "重复"}, follow=True)
    assert "伙伴已处于“潜在伙伴”阶段。" in page_messages(parse(response.content))
    assert not StageChange.objects.filter(partner=partner_a).exists()


def test_rating_save_records_the_managers_scores(client_for, manager, partner_a, model):
    c = client_for(manager)
    data = {f"score_{code}": str(s) for code, s in zip(CODES, SCORES_A)}
    data["note_strategic_fit"] = "与我们的渠道战略一致"
    response = c.post(reverse("partners:ratings", args=[partner_a.pk]), data, follow=True)
    assert response.status_code == 200
    saved = dict(Rating.objects.filter(partner=partner_a, rater=manager).values_list("criterion_code", "score"))
    assert {k: float(v) for k, v in saved.items()} == dict(zip(CODES, map(float, SCORES_A)))
    doc = parse(response.content)
    assert "已保存 6 项评分。" in page_messages(doc)
    assert doc.find("input", name="score_resource_complementarity").attrs["value"] == "9"
    assert doc.find("input", name="note_strategic_fit").attrs["value"] == "与我们的渠道战略一致"


def test_rating_out_of_range_is_rejected_with_a_message(client_for, manager, partner_a, model):
    response = client_for(manager).post(reverse("partners:ratings", args=[partner_a.pk]),
                                        {"score_strategic_fit": "11", "score_willingness": "7"}, follow=True)
    messages = page_messages(parse(response.content))
    assert any("战略匹配度" in m and "11" in m and "0 到 10" in m for m in messages), messages
    assert "已保存 1 项评分。" in messages
    assert list(Rating.objects.filter(partner=partner_a).values_list("criterion_code", flat=True)) == ["willingness"]


def test_import_with_a_bad_csv_reports_every_cell_and_writes_nothing(client_for, manager, partner_a, model):
    c = client_for(manager)
    before = (Partner.objects.count(), Rating.objects.count(), StageChange.objects.count())
    content = "名称,统一社会信用代码,合作阶段,战略匹配度\n伙伴X,123,潜在伙伴,8\n伙伴Y,,火星阶段,11\n".encode()
    upload = io.BytesIO(content)
    upload.name = "candidates.csv"
    response = c.post(reverse("partners:import"), {"file": upload})
    assert response.status_code == 422
    assert (Partner.objects.count(), Rating.objects.count(), StageChange.objects.count()) == before
    assert not Partner.objects.filter(name__in=["伙伴X", "伙伴Y"]).exists()
    doc = parse(response.content)
    assert doc.by_id("import-report") is not None
    table = doc.by_id("import-errors")
    header = [th.squashed for th in table.find("thead").find_all("th")]
    assert header == ["行", "列", "值", "原因"]
    rows = [[td.squashed for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    cells = {(r[0], r[1], r[2]) for r in rows}
    assert ("2", "统一社会信用代码", "123") in cells
    assert ("3", "合作阶段", "火星阶段") in cells
    assert ("3", "战略匹配度", "11") in cells
    assert all(r[3] for r in rows)  # every problem has a reason


def test_import_with_a_good_csv_creates_partners(client_for, manager, model):
    upload = io.BytesIO("名称,行业,战略匹配度\n伙伴X,物流,8\n".encode("utf-8-sig"))
    upload.name = "good.csv"
    response = client_for(manager).post(reverse("partners:import"), {"file": upload})
    assert response.status_code == 302 and response["Location"] == reverse("partners:list")
    x = Partner.objects.get(name="伙伴X")
    assert x.industry == "物流"
    assert float(Rating.objects.get(partner=x, rater=manager, criterion_code="strategic_fit").score) == 8


def test_export_returns_an_xlsx_with_the_partners(client_for, manager, rated):
    response = client_for(manager).get(reverse("partners:export") + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(XLSX)
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = {str(cell.value) for row in book.active.iter_rows() for cell in row if cell.value is not None}
    assert {"伙伴A", "伙伴B", "名称"} <= values


# --------------------------------------------------------------------------- manager: screening

def test_model_editor_shows_the_current_criteria(client_for, manager, model):
    doc = parse(client_for(manager).get(reverse("screening:model_edit", args=[model.pk])).content)
    weights = {i.attrs["data-code"]: float(i.attrs["value"]) for i in doc.find_all("input", class_="weight")}
    assert weights == {"strategic_fit": 0.25, "resource_complementarity": 0.2, "financial_health": 0.15,
                       "market_reputation": 0.15, "cultural_compatibility": 0.1, "willingness": 0.15}


def test_model_editor_saves_a_new_version(client_for, manager, model):
    c = client_for(manager)
    before = model.versions.count()
    response = c.post(reverse("screening:model_edit", args=[model.pk]),
                      editor_post(model.current_version, weights={"resource_complementarity": 3}, note="加重资源"))
    assert response.status_code == 302
    assert model.versions.count() == before + 1
    version = model.current_version
    assert version.note == "加重资源"
    weights = {c.code: c.weight for c in version_criteria(version)}
    assert weights["resource_complementarity"] == 3
    doc = parse(c.get(response["Location"]).content)
    assert "已保存为新版本。" in page_messages(doc)
    assert f"v{version.number}" in doc.find("h1").squashed


def test_model_editor_rejects_a_zero_weight_and_creates_no_version(client_for, manager, model):
    c = client_for(manager)
    before = model.versions.count()
    response = c.post(reverse("screening:model_edit", args=[model.pk]),
                      editor_post(model.current_version, weights={"financial_health": 0}))
    assert response.status_code == 422
    assert model.versions.count() == before
    doc = parse(response.content)
    error = doc.by_id("model-error")
    assert error is not None
    assert "第 3 个指标" in error.squashed and "权重须为正数" in error.squashed
    assert error.squashed.count("权重须为正数") == 1  # said once, not in the summary and again in the list
    # the rejected input is kept in the form and marked
    bad = doc.find("input", name="c2-weight")
    assert bad.attrs["value"] == "0"
    assert "is-invalid" in bad.attrs["class"].split()
    assert "is-invalid" not in doc.find("input", name="c0-weight").attrs["class"].split()


def test_model_editor_with_a_bad_threshold_saves_nothing(client_for, manager, model):
    before = model.versions.count()
    response = client_for(manager).post(reverse("screening:model_edit", args=[model.pk]),
                                        editor_post(model.current_version, weights={"strategic_fit": 1},
                                                    disagreement_threshold="20"))
    assert response.status_code == 422
    assert "分歧阈值须在 0 到 10 之间" in parse(response.content).by_id("model-error").squashed
    assert model.versions.count() == before
    model.refresh_from_db()
    assert model.disagreement_threshold == 3.0


def test_model_editor_survives_crafted_ahp_cells(client_for, manager, model):
    response = client_for(manager).post(reverse("screening:model_edit", args=[model.pk]),
                                        editor_post(model.current_version, mode="ahp", action="check",
                                                    ahp={(0, 1): "0", (0, 2): "abc"}, rows="x"))
    assert response.status_code == 200
    assert parse(response.content).find("select", name="ahp-0-1") is not None


@pytest.mark.parametrize("htmx", [False, True])
def test_ahp_with_an_inconsistent_matrix_shows_cr_and_names_the_judgements(client_for, manager, model, htmx):
    c = client_for(manager)
    before = model.versions.count()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = c.post(reverse("screening:model_edit", args=[model.pk]),
                      editor_post(model.current_version, mode="ahp", ahp=INCONSISTENT, action="check"), **headers)
    assert response.status_code == 200
    assert model.versions.count() == before
    doc = parse(response.content)
    assert (doc.find("html") is None) == htmx  # the htmx answer is the fragment only
    cr = doc.by_id("ahp-cr").squashed
    value = float(re.search(r"CR = ([0-9.]+)", cr).group(1))
    assert value > 0.10
    assert "不一致：CR 大于 0.10" in cr
    worst = [li.squashed for li in doc.find_all("li") if "相对" in li.squashed]
    assert worst, "the inconsistent judgements are not named"
    assert any("战略匹配度 相对 财务健康度" in w for w in worst), worst


def test_ahp_with_a_consistent_matrix_is_accepted_and_saved(client_for, manager, model):
    c = client_for(manager)
    # strategic_fit twice as important as every other criterion, the rest equal: perfectly consistent
    ahp = {(0, j): "2" for j in range(1, 6)}
    response = c.post(reverse("screening:model_edit", args=[model.pk]),
                      editor_post(model.current_version, mode="ahp", ahp=ahp, action="check"))
    doc = parse(response.content)
    assert "一致性可接受" in doc.by_id("ahp-cr").squashed
    response = c.post(reverse("screening:model_edit", args=[model.pk]),
                      editor_post(model.current_version, mode="ahp", ahp=ahp, action="save"))
    assert response.status_code == 302
    version = model.current_version
    assert version.weight_mode == "ahp"
    weights = {c.code: c.weight for c in version_criteria(version)}
    assert weights["strategic_fit"] == pytest.approx(2 / 7)
    assert weights["willingness"] == pytest.approx(1 / 7)


def test_ranking_lists_ranked_excluded_and_incomplete_candidates(client_for, manager, model, partner_a, partner_b):
    c_partner = Partner.objects.create(name="伙伴C")
    d_partner = Partner.objects.create(name="伙伴D")
    version = model.current_version
    rows = [{"code": cr.code, "label_zh": cr.label_zh, "label_en": cr.label_en, "direction": cr.direction,
             "weight": cr.weight, "knockout_min": 6 if cr.code == "financial_health" else None}
            for cr in version_criteria(version)]
    screening.model_version_create(actor=manager, model=model, criteria=rows, note="财务淘汰线 6")
    rate(partner_a, manager, SCORES_A)
    rate(partner_b, manager, SCORES_B)
    rate(c_partner, manager, (7, 8, 5, 7, 9, 8))              # financial_health 5 < 6: knocked out
    rate(d_partner, manager, (7, 8), codes=CODES[:2])          # four criteria unrated
    response = client_for(manager).get(reverse("screening:ranking"))
    assert response.status_code == 200
    doc = parse(response.content)
    ranked = [tr.attrs["data-partner"] for tr in doc.by_id("ranking-table").find_all("tr", data_partner=True)]
    assert ranked == ["伙伴B", "伙伴A"]
    excluded = [[td.squashed for td in tr.find_all("td")] for tr in doc.by_id("excluded-table").find_all("tr")]
    assert excluded == [["伙伴C", "财务健康度 5 低于淘汰线 6"]]
    incomplete = [[td.squashed for td in tr.find_all("td")] for tr in doc.by_id("incomplete-table").find_all("tr")]
    assert len(incomplete) == 1 and incomplete[0][0] == "伙伴D"
    reason = incomplete[0][1]
    assert reason.startswith("缺少评分：")
    for label in ("财务健康度", "市场声誉", "文化兼容性", "合作意愿"):
        assert label in reason
    assert "战略匹配度" not in reason
    assert "已排名 2 个 · 被淘汰 1 个 · 评分不完整 1 个" in doc.squashed


def test_ranking_topsis_fragment_for_htmx(client_for, manager, rated, model):
    c = client_for(manager)
    response = c.get(reverse("screening:ranking") + "?method=topsis", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    doc = parse(response.content)
    assert doc.find("html") is None
    table = doc.by_id("ranking-table")
    assert [th.squashed for th in table.find("thead").find_all("th")][3] == "贴近度"
    scores = [float(td.squashed) for td in table.find_all("td", class_="score")]
    assert len(scores) == 2 and all(0 <= s <= 1 for s in scores)
    assert [tr.attrs["data-partner"] for tr in table.find_all("tr", data_partner=True)] == ["伙伴B", "伙伴A"]


@pytest.mark.parametrize("name", ["screening:ranking", "partners:list"])
def test_htmx_history_restore_gets_the_whole_page(client_for, manager, rated, name):
    """The back button after hx-push-url (history cache miss) must not get a bare fragment."""
    c = client_for(manager)
    fragment = parse(c.get(reverse(name), HTTP_HX_REQUEST="true").content)
    assert fragment.find("html") is None
    restore = parse(c.get(reverse(name), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true").content)
    assert restore.find("html") is not None and restore.find("nav") is not None


def test_partner_list_search_fragment(client_for, manager, rated):
    doc = parse(client_for(manager).get(reverse("partners:list") + "?q=伙伴B", HTTP_HX_REQUEST="true").content)
    assert doc.find("html") is None
    assert [a.squashed for a in doc.find("tbody").find_all("a")] == ["伙伴B"]


def test_saving_a_run_redirects_to_its_detail_page(client_for, manager, rated, model):
    c = client_for(manager)
    response = c.post(reverse("screening:run_create"),
                      {"model": model.pk, "method": "topsis", "title": "季度筛选", "stages": ["prospect"]})
    run = ScreeningRun.objects.get(title="季度筛选")
    assert response.status_code == 302
    assert response["Location"] == reverse("screening:run_detail", args=[run.pk])
    assert run.method == "topsis" and run.created_by == manager and run.candidate_count == 2
    doc = parse(c.get(response["Location"]).content)
    assert "季度筛选" in doc.find("h1").squashed
    names = [tr.find_all("td")[1].squashed for tr in doc.by_id("run-table").find("tbody").find_all("tr")]
    assert names == ["伙伴B", "伙伴A"]
    listing = parse(c.get(reverse("screening:runs")).content)
    assert listing.find("a", href=reverse("screening:run_detail", args=[run.pk])) is not None


def test_sensitivity_page_renders_both_charts_and_the_threshold_table(client_for, manager, rated, model):
    Partner.objects.create(name="伙伴C")
    rate(Partner.objects.get(name="伙伴C"), manager, (7, 8, 6, 7, 9, 8))
    response = client_for(manager).get(reverse("screening:sensitivity") + "?samples=200")
    assert response.status_code == 200
    doc = parse(response.content)
    charts = doc.find_all("div", class_="chart")
    assert len(charts) == 2
    for chart in charts:
        assert chart.find("svg") is not None
    assert "第一名保持不变的权重区间" in charts[0].text
    assert "排名第一的概率" in charts[1].text
    rows = doc.by_id("threshold-table").find("tbody").find_all("tr")
    labels = [tr.find("td").squashed for tr in rows]
    assert labels == ["战略匹配度", "资源互补性", "财务健康度", "市场声誉", "文化兼容性", "合作意愿"]
    mc = [tr.find("td").squashed for tr in doc.by_id("mc-table").find("tbody").find_all("tr")]
    assert mc[0] == "伙伴B" and set(mc) == {"伙伴A", "伙伴B", "伙伴C"}


def test_compare_page_shows_the_radar_chart(client_for, manager, rated, model):
    a, b = rated
    response = client_for(manager).get(reverse("screening:compare") + f"?model={model.pk}&ids={a.pk}&ids={b.pk}")
    assert response.status_code == 200
    doc = parse(response.content)
    assert doc.by_id("radar").find("svg") is not None
    header = [th.squashed for th in doc.by_id("compare-table").find("thead").find_all("th")]
    assert header[0] == "指标" and sorted(header[1:]) == ["伙伴A", "伙伴B"]
    rows = [tr.find("td").squashed for tr in doc.by_id("compare-table").find("tbody").find_all("tr")]
    assert rows[:6] == ["战略匹配度", "资源互补性", "财务健康度", "市场声誉", "文化兼容性", "合作意愿"]


def test_compare_with_one_candidate_goes_back_with_a_message(client_for, manager, rated, model):
    a, _b = rated
    response = client_for(manager).get(reverse("screening:compare") + f"?ids={a.pk}", follow=True)
    assert response.redirect_chain[-1][0] == reverse("screening:ranking")
    assert "请选择 2 到 4 个候选伙伴进行对比。" in page_messages(parse(response.content))


# --------------------------------------------------------------------------- assets and language

ABSOLUTE = re.compile(r"^(https?:)?//", re.I)


def test_html_pages_load_only_local_assets(client_for, manager, urls):
    c = client_for(manager)
    pages = ["/", *[u for n, u in urls.items() if n != "partners:export"]]
    checked = 0
    for url in pages:
        response = c.get(url)
        assert response.status_code == 200, url
        doc = parse(response.content)
        scripts = [s.attrs["src"] for s in doc.find_all("script") if "src" in s.attrs]
        links = [link.attrs.get("href", "") for link in doc.find_all("link")]
        assert scripts and links, url  # htmx and the stylesheets are there
        for src in scripts + links:
            assert not ABSOLUTE.match(src), f"{url} loads {src}"
            checked += 1
    c.logout()
    doc = parse(c.get(reverse("login")).content)
    for node in doc.find_all("script") + doc.find_all("link"):
        assert not ABSOLUTE.match(node.attrs.get("src") or node.attrs.get("href") or "")
    assert checked >= 3 * len(pages)


def test_static_assets_are_served_locally(client_for, manager):
    doc = parse(client_for(manager).get("/").content)
    hrefs = [link.attrs["href"] for link in doc.find_all("link", rel="stylesheet")]
    assert any(h.endswith("bootstrap.min.css") for h in hrefs)
    assert all(h.startswith("/" + settings.STATIC_URL.strip("/") + "/") for h in hrefs)


def test_default_language_is_chinese_even_for_an_english_browser(client_for, manager):
    c = client_for(manager)
    response = c.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    doc = parse(response.content)
    assert doc.find("html").attrs["lang"] == "zh-CN"
    assert doc.find("h1").squashed == "联盟伙伴概览"
    selected = doc.find("select", name="language").find("option", selected=True)
    assert selected.attrs["value"] == "zh-hans"


def test_language_cookie_switches_to_english(client_for, manager):
    c = client_for(manager)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = c.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    doc = parse(response.content)
    assert doc.find("html").attrs["lang"] == "en"
    assert doc.find("select", name="language").find("option", selected=True).attrs["value"] == "en"


def test_unknown_language_cookie_falls_back_to_chinese(client_for, manager):
    c = client_for(manager)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    doc = parse(c.get("/", HTTP_ACCEPT_LANGUAGE="fr").content)
    assert doc.find("html").attrs["lang"] == "zh-CN"


def test_set_language_view_sets_the_cookie(client_for, manager):
    c = client_for(manager)
    response = c.post("/i18n/setlang/", {"language": "en", "next": reverse("screening:ranking")})
    assert response.status_code == 302 and response["Location"] == reverse("screening:ranking")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    doc = parse(c.get(reverse("screening:ranking")).content)
    assert doc.find("html").attrs["lang"] == "en"

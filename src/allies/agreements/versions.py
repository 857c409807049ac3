"""Agreement versions: the JSON snapshot of an agreement and its clauses, and a readable diff of two.

A snapshot holds raw values (codes, ids, ISO dates) so that it stays comparable across
languages; the diff turns them into labelled, displayable changes in the active language:
field by field (old -> new), and line by line for long texts (difflib).
"""

import difflib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from allies.agreements.choices import (
    AgreementStatus,
    Confidentiality,
    CooperationModel,
    DisputeMethod,
    IpKind,
    IpOwner,
    RoundingMode,
    UsageRight,
)
from allies.agreements.models import Agreement

TERM_FIELDS = ("code", "title", "status", "cooperation_models", "start_date", "end_date", "auto_renew",
               "renewal_months", "notice_days", "currency", "rounding")
CLAUSE_FIELDS = ("scope", "goals", "our_rights", "our_obligations", "revenue_cost_terms", "ip_terms",
                 "termination_conditions", "customer_handover", "data_migration")
TEXT_FIELDS = set(CLAUSE_FIELDS)
CHOICES = {"status": AgreementStatus, "rounding": RoundingMode}


def snapshot(agreement: Agreement) -> dict:
    data = {}
    for name in TERM_FIELDS + CLAUSE_FIELDS:
        value = getattr(agreement, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["cooperation_models"] = list(agreement.cooperation_models or [])
    data["parties"] = [
        {"partner_id": link.partner_id, "partner": link.partner.name, "role": link.role, "rights": link.rights,
         "obligations": link.obligations}
        for link in agreement.party_links.select_related("partner").order_by("id")
    ]
    data["ip_assets"] = [
        {"id": a.pk, "name": a.name, "kind": a.kind, "owner": a.owner, "owner_partner_id": a.owner_partner_id,
         "owner_partner": a.owner_partner.name if a.owner_partner_id else "", "usage": dict(a.usage or {}),
         "confidentiality": a.confidentiality, "note": a.note}
        for a in agreement.ip_assets.select_related("owner_partner").order_by("id")
    ]
    data["dispute_steps"] = [{"method": s.method, "body": s.body, "days": s.days}
                             for s in agreement.dispute_steps.order_by("position", "id")]
    return data


@dataclass
class Change:
    key: str
    label: str
    old: str
    new: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # ("same" | "removed" | "added", text)

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "old": self.old, "new": self.new,
                "lines": [{"op": op, "text": text} for op, text in self.lines]}


def _label(name: str) -> str:
    return str(Agreement._meta.get_field(name).verbose_name)


def _choice(enum, value) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value or "")


def _display(name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if name in CHOICES:
        return _choice(CHOICES[name], value)
    if name == "cooperation_models":
        return _("、").join(_choice(CooperationModel, v) for v in value) if value else "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def text_lines(old: str, new: str) -> list[tuple[str, str]]:
    """A line-by-line diff: unchanged lines, removed lines, added lines, in reading order."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(("same", line) for line in a[i1:i2])
            continue
        out.extend(("removed", line) for line in a[i1:i2])
        out.extend(("added", line) for line in b[j1:j2])
    return out


def _field_change(key: str, label: str, old, new, *, text: bool = False, name: str = "") -> Change | None:
    if old == new:
        return None
    change = Change(key, label, _display(name or key, old), _display(name or key, new))
    if text:
        change.lines = text_lines(old or "", new or "")
    return change


def _party_changes(old: list[dict], new: list[dict]) -> list[Change]:
    before = {p["partner_id"]: p for p in old}
    after = {p["partner_id"]: p for p in new}
    changes = []
    for pid in [*before, *[p for p in after if p not in before]]:
        a, b = before.get(pid), after.get(pid)
        name = (b or a)["partner"]
        if a is None:
            changes.append(Change(f"parties.{pid}", _("伙伴方"), "—", _("新增“{name}”").format(name=name)))
            continue
        if b is None:
            changes.append(Change(f"parties.{pid}", _("伙伴方"), name, _("移除“{name}”").format(name=name)))
            continue
        for attr, label in (("role", _("角色")), ("rights", _("权利")), ("obligations", _("义务"))):
            change = _field_change(f"parties.{pid}.{attr}", _("“{name}”的{what}").format(name=name, what=label),
                                   a[attr], b[attr], text=attr != "role")
            if change:
                changes.append(change)
    return changes


def _asset_text(asset: dict, parties: dict) -> str:
    owner = _choice(IpOwner, asset["owner"]) if asset["owner"] else _("未写明")
    if asset["owner"] == IpOwner.PARTNER and asset.get("owner_partner"):
        owner = asset["owner_partner"]
    usage = []
    for key, right in sorted((asset.get("usage") or {}).items()):
        party = _("我方") if key == "us" else parties.get(str(key), str(key))
        usage.append(f"{party}{_('：')}{_choice(UsageRight, right)}")
    lines = [
        f"{_('类型')}{_('：')}{_choice(IpKind, asset['kind'])}",
        f"{_('权属')}{_('：')}{owner}",
        f"{_('各方使用权')}{_('：')}{_('；').join(usage) or '—'}",
        f"{_('保密级别')}{_('：')}{_choice(Confidentiality, asset['confidentiality'])}",
    ]
    if asset.get("note"):
        lines.append(f"{_('说明')}{_('：')}{asset['note']}")
    return "\n".join(lines)


def _asset_changes(old: dict, new: dict) -> list[Change]:
    parties = {str(p["partner_id"]): p["partner"] for p in old["parties"] + new["parties"]}
    before = {a["id"]: a for a in old["ip_assets"]}
    after = {a["id"]: a for a in new["ip_assets"]}
    changes = []
    for aid in [*before, *[a for a in after if a not in before]]:
        a, b = before.get(aid), after.get(aid)
        name = (b or a)["name"]
        old_text = _asset_text(a, parties) if a else ""
        new_text = _asset_text(b, parties) if b else ""
        if a and b and a["name"] != b["name"]:
            name = f"{a['name']} → {b['name']}"
        if old_text == new_text and (a and b and a["name"] == b["name"]):
            continue
        change = Change(f"ip_assets.{aid}", _("知识产权“{name}”").format(name=name),
                        a["name"] if a else "—", b["name"] if b else _("已删除"))
        change.lines = text_lines(old_text, new_text)
        changes.append(change)
    return changes


def _steps_text(steps: list[dict]) -> str:
    lines = []
    for i, step in enumerate(steps, start=1):
        line = f"{i}. {_choice(DisputeMethod, step['method'])}"
        if step.get("body"):
            line += f" · {step['body']}"
        if step.get("days"):
            line += " · " + _("{n} 天").format(n=step["days"])
        lines.append(line)
    return "\n".join(lines)


def diff(old: dict, new: dict) -> list[Change]:
    """The changes from snapshot ``old`` to snapshot ``new``, in the order of the agreement's sections."""
    changes = []
    for name in TERM_FIELDS + CLAUSE_FIELDS:
        change = _field_change(name, _label(name), old.get(name), new.get(name), text=name in TEXT_FIELDS)
        if change:
            changes.append(change)
    changes.extend(_party_changes(old.get("parties", []), new.get("parties", [])))
    changes.extend(_asset_changes({"parties": old.get("parties", []), "ip_assets": old.get("ip_assets", [])},
                                  {"parties": new.get("parties", []), "ip_assets": new.get("ip_assets", [])}))
    old_steps, new_steps = _steps_text(old.get("dispute_steps", [])), _steps_text(new.get("dispute_steps", []))
    if old_steps != new_steps:
        change = Change("dispute_steps", _("争议解决途径"), old_steps or "—", new_steps or "—")
        change.lines = text_lines(old_steps, new_steps)
        changes.append(change)
    return changes



"""Policy packs: the regulations in force in a jurisdiction, as data (SUP-7).

A pack is a TOML file under ``settings.POLICY_PACKS_DIR``; its code is its path without the
suffix (``cn/shanxi/jincheng``). It names the pack it ``inherits`` from, the division code
prefixes it ``applies_to``, global ``[parameters]`` (dotted keys) and ``[rules.<id>]`` tables with
each rule's citation and parameters. A child's rule table is merged over its parent's, key by key;
``enabled = false`` switches a rule off. Code implements each rule once and reads its parameters
from the pack, so changing a number in a pack changes results without touching code.
"""

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from divisions.models import Division


class PackError(Exception):
    """A pack file is missing, malformed or inherits in a circle."""


@dataclass(frozen=True)
class RuleConfig:
    id: str
    citation: tuple[str, ...]
    params: Mapping[str, Any]
    defined_in: str
    """The pack whose file last set a value of this rule."""

    def param(self, name: str) -> Any:
        try:
            return self.params[name]
        except KeyError:
            raise PackError(f"rule {self.id}: parameter {name!r} is not set by the pack") from None

    def optional(self, name: str) -> Any:
        return self.params.get(name)

    def date_param(self, name: str) -> date:
        value = self.param(name)
        if not isinstance(value, date):
            raise PackError(f"rule {self.id}: {name} must be a date, not {value!r}")
        return value


@dataclass(frozen=True)
class Pack:
    code: str
    name: str
    name_en: str
    chain: tuple[str, ...]
    """This pack and its ancestors, most specific first."""
    applies_to: tuple[str, ...]
    parameters: Mapping[str, Any]
    rules: Mapping[str, RuleConfig] = field(default_factory=dict)

    def rule(self, rule_id: str) -> RuleConfig | None:
        return self.rules.get(rule_id)


def packs_dir() -> Path:
    return Path(settings.POLICY_PACKS_DIR)


def _read(code: str) -> dict[str, Any]:
    path = packs_dir() / f"{code}.toml"
    if not path.is_file():
        raise PackError(f"no policy pack {code!r} (looked for {path})")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise PackError(f"policy pack {code!r}: {error}") from None


def available_packs() -> list[str]:
    root = packs_dir()
    return sorted(str(path.relative_to(root).with_suffix("")) for path in root.rglob("*.toml"))


@cache
def _load_cached(code: str, directory: str) -> Pack:
    return _build(code, [])


def load_pack(code: str) -> Pack:
    """The pack ``code`` with everything it inherits merged in."""
    return _load_cached(code, str(packs_dir()))


def _build(code: str, seen: list[str]) -> Pack:
    if code in seen:
        raise PackError(f"policy pack {code!r} inherits from itself: {' → '.join(seen)}")
    raw = _read(code)
    parent_code = str(raw.get("inherits", ""))
    parent = _build(parent_code, [*seen, code]) if parent_code else None
    parameters: dict[str, Any] = dict(parent.parameters) if parent else {}
    parameters.update(raw.get("parameters", {}))
    rules: dict[str, RuleConfig] = dict(parent.rules) if parent else {}
    for rule_id, table in raw.get("rules", {}).items():
        if not isinstance(table, dict):
            raise PackError(f"policy pack {code!r}: rules.{rule_id} must be a table")
        inherited = rules.get(rule_id)
        merged: dict[str, Any] = dict(inherited.params) if inherited else {}
        merged.update({key: value for key, value in table.items() if key != "citation"})
        citation = table.get("citation", inherited.citation if inherited else ())
        if merged.pop("enabled", True) is False:
            rules.pop(rule_id, None)
            continue
        rules[rule_id] = RuleConfig(rule_id, tuple(citation), merged, code)
    return Pack(
        code=code,
        name=str(raw.get("name", code)),
        name_en=str(raw.get("name_en", code)),
        chain=(code, *(parent.chain if parent else ())),
        applies_to=tuple(raw.get("applies_to", ())),
        parameters=parameters,
        rules=rules,
    )


def the_county() -> Division | None:
    """The county this installation runs (one county per installation)."""
    return Division.objects.filter(level=Division.Level.COUNTY).order_by("code").first()


def pack_code_for(county: Division) -> str:
    """The county's configured pack, or the most specific one whose prefix matches its code."""
    from supervision.models import CountyPolicy

    configured = CountyPolicy.objects.filter(county=county).values_list("pack", flat=True).first()
    if configured:
        return configured
    best, best_length = "cn", -1
    for code in available_packs():
        for prefix in load_pack(code).applies_to:
            if county.code.startswith(prefix) and len(prefix) > best_length:
                best, best_length = code, len(prefix)
    return best


def county_pack(county: Division | None = None) -> Pack:
    county = county or the_county()
    return load_pack(pack_code_for(county) if county else "cn")


def county_parameters(county: Division | None = None) -> dict[str, Any]:
    """The global parameters (``subsidy.*`` and others) of the county's pack."""
    return dict(county_pack(county).parameters)

"""Reads of instruments: the bundled files and the organization department's custom ones."""

import functools
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.http import Http404

from zhongjian.core.errors import NotFound
from zhongjian.voice.instrument_spec import Instrument, instrument_from_spec
from zhongjian.voice.models import CustomInstrument
from zhongjian.voice.scoring import INSTRUMENTS_DIR, list_instruments, load_instrument


@dataclass(frozen=True)
class InstrumentEntry:
    instrument: Instrument
    spec: dict[str, Any]
    custom: bool

    @property
    def ref(self) -> str:
        """``code:version``, the value a form submits to pick this instrument."""
        return f"{self.instrument.code}:{self.instrument.version}"


@functools.cache
def _bundled_text(code: str, version: int) -> str:
    return (INSTRUMENTS_DIR / f"{code}.v{version}.json").read_text(encoding="utf-8")


def bundled_spec(*, code: str, version: int) -> dict[str, Any]:
    """The specification of a bundled instrument as stored in its file (a fresh copy)."""
    load_instrument(code, version=version)  # NotFound for an unknown code or version
    return json.loads(_bundled_text(code, version))


def bundled_codes() -> frozenset[str]:
    return frozenset(instrument.code for instrument in list_instruments())


def instrument_list(*, user: Any) -> list[InstrumentEntry]:
    """The latest version of every bundled instrument and of the county's custom instruments."""
    entries = [
        InstrumentEntry(
            instrument=instrument,
            spec=bundled_spec(code=instrument.code, version=instrument.version),
            custom=False,
        )
        for instrument in list_instruments()
    ]
    if user.county_id is None:
        return entries
    custom = CustomInstrument.objects.filter(county_id=user.county_id)
    tops = {
        row["code"]: row["top"]
        for row in custom.order_by().values("code").annotate(top=Max("version"))
    }
    entries += [
        InstrumentEntry(instrument=stored.instrument, spec=stored.spec, custom=True)
        for stored in custom.order_by("code")
        if tops[stored.code] == stored.version
    ]
    return entries


def instrument_get(*, user: Any, code: str, version: int) -> InstrumentEntry:
    """One version of a bundled or (in the user's county) custom instrument; 404 otherwise."""
    if code in bundled_codes():
        try:
            spec = bundled_spec(code=code, version=version)
        except NotFound as exc:
            raise Http404 from exc
        return InstrumentEntry(instrument=instrument_from_spec(spec), spec=spec, custom=False)
    stored = CustomInstrument.objects.filter(
        county_id=user.county_id, code=code, version=version
    ).first()
    if stored is None or user.county_id is None:
        raise Http404
    return InstrumentEntry(instrument=stored.instrument, spec=stored.spec, custom=True)

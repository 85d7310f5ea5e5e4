"""The report record (``docs/schema.md``): ONE validator for files and the API.

:class:`ReportRecord` checks each field's type and code, dates not in the
future and the BSN eleven-test (the code lists come from
``zicht.core.codes``); :func:`find_rule_problems` checks the rules across fields (consent
vs identifying fields, police unit for police, birth date or year).
:func:`validate_records` runs both over a whole batch and returns every problem with the
row number a spreadsheet user sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    create_model,
)
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from zicht.core import codes as C
from zicht.core.errors import Problem
from zicht.core.safe_text import CONTROL
from zicht.registry.organisations import derive_org, org_fits, org_problem


def _literal(table: tuple[C.Code, ...]) -> Any:
    """A ``Literal`` of the codes of ``table`` (pydantic checks it fast, OpenAPI lists it)."""
    return Literal[tuple(c.code for c in table)]


if TYPE_CHECKING:  # to the type checker the code types are plain strings
    Reporter: TypeAlias = str
    PoliceUnit: TypeAlias = str
    Sex: TypeAlias = str
    Form: TypeAlias = str
    SexualSector: TypeAlias = str
    LabourSector: TypeAlias = str
    CriminalManner: TypeAlias = str
    YesNo: TypeAlias = str
else:
    Reporter = _literal(C.REPORTERS)
    PoliceUnit = _literal(C.POLICE_UNITS)
    Sex = _literal(C.SEXES)
    Form = _literal(C.REPORTED_FORMS)
    SexualSector = _literal(C.SEXUAL_SECTORS)
    LabourSector = _literal(C.LABOUR_SECTORS)
    CriminalManner = _literal(C.CRIMINAL_MANNERS)
    YesNo = _literal(C.YES_NO)


LIST_FIELDS = ("forms", "labour_sector")


def split_list(value: Any) -> Any:
    """Files send ``a;b``; JSON sends a list. Both become a list without duplicates."""
    if isinstance(value, str):
        if ";" not in value:
            return [value] if value else []
        value = [part.strip() for part in value.split(";")]
    if isinstance(value, list) and len(value) > 1:
        return list(dict.fromkeys(v for v in value if v != ""))
    return value


def clean_row(row: Mapping[str, Any]) -> Mapping[str, Any]:
    """Drop empty values ("not known") and split the ``;``-lists, before validation.

    Done here in one pass rather than in per-field pydantic validators: it is the
    hot loop of a 100,000-row import (the file readers already drop empty cells).
    """
    values = row.values()
    out: Mapping[str, Any] = ({k: v for k, v in row.items() if v is not None and v != ""}
                              if "" in values or None in values else row)
    for name in LIST_FIELDS:
        value = out.get(name)
        if value.__class__ is str or (value.__class__ is list and len(value) > 1):
            out = {**out, name: split_list(value)}  # a new dict: never change the caller's
    return out


def _today(info: ValidationInfo) -> dt.date:
    context = info.context or {}
    today = context.get("today")
    return today if isinstance(today, dt.date) else dt.date.today()


def _not_future(value: dt.date, info: ValidationInfo) -> dt.date:
    today = _today(info)
    if value > today:
        raise PydanticCustomError("future", "is in the future (after {today})",
                                  {"today": today.isoformat()})
    return value


def _year_not_future(value: int, info: ValidationInfo) -> int:
    if value > _today(info).year:
        raise PydanticCustomError("future", "is in the future (after {year})",
                                  {"year": _today(info).year})
    return value


def _check_bsn(value: str) -> str:
    if not bsn_passes_eleven_test(value):
        raise PydanticCustomError("bsn", "is not a valid BSN: expected 9 digits passing the "
                                  "eleven-test; check the number")
    return value


_BSN_OFFSET = 48 * (9 + 8 + 7 + 6 + 5 + 4 + 3 + 2 - 1)  # the weighted sum of ord("0")


def bsn_passes_eleven_test(bsn: str) -> bool:
    """The BSN eleven-test: 9 digits, weights 9..2 and -1, sum divisible by 11, not 0."""
    if len(bsn) != 9 or not bsn.isascii() or not bsn.isdigit():
        return False
    b = bsn.encode()  # unrolled: this runs once per row of a 100,000-row file
    total = (9 * b[0] + 8 * b[1] + 7 * b[2] + 6 * b[3] + 5 * b[4] + 4 * b[5] + 3 * b[6]
             + 2 * b[7] - b[8] - _BSN_OFFSET)
    return total % 11 == 0 and total != 0


PastDate = Annotated[dt.date, AfterValidator(_not_future)]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$",
                                description="ISO 3166-1 alpha-2 (stored upper-case)")]
def _no_control(value: str) -> str:
    if CONTROL.search(value):  # never in a name: see zicht.core.safe_text
        raise PydanticCustomError("control_character", "contains a control character "
                                  "(such as NUL, ESC or a bidirectional override); remove it")
    return value


Text = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_control)]
#: What a ``report_ref`` may hold (docs/schema.md): letters, digits and ``. _ : / -``,
#: starting with a letter or digit (so never a spreadsheet formula), at most 64.
REPORT_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$"
REPORT_REF_RULE = ("may hold only letters, digits and . _ : / - (starting with a letter or "
                   "digit), at most 64 characters")


class ReportRecord(BaseModel):
    """One report as a reporter sends it (the import contract of ``docs/schema.md``)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    report_ref: Annotated[str, Field(pattern=REPORT_REF_PATTERN, description=(
        "letters, digits and . _ : / -, starting with a letter or digit, at most 64"))]
    reporter: Reporter
    reporter_org: Text | None = None
    organisation: Annotated[str, Field(min_length=1, max_length=64, description=(
        "The reporting organisation (docs/access.md): police:<unit>, kmar, "
        "care_coordinator:<id>, other:<id>, ...; a reporter key's own organisation "
        "when sent with a reporter key"))] | None = None
    police_unit: PoliceUnit | None = None
    report_date: PastDate
    consent: YesNo | None = None
    family_name: Text | None = None
    given_names: Text | None = None
    birth_date: PastDate | None = None
    birth_year: Annotated[int, Field(ge=1900), AfterValidator(_year_not_future)] | None = None
    sex: Sex | None = None
    nationality: Country | None = None
    nationality_2: Country | None = None
    bsn: Annotated[str, AfterValidator(_check_bsn)] | None = None
    forms: Annotated[list[Form], BeforeValidator(split_list), Field(min_length=1)]
    sexual_sector: SexualSector | None = None
    labour_sector: Annotated[list[LabourSector], BeforeValidator(split_list),
                             Field(default_factory=list)]
    criminal_manner: CriminalManner | None = None
    municipality: Annotated[str, Field(pattern=r"^GM\d{4}$")] | None = None
    dublin_indication: YesNo | None = None
    exploitation_start: PastDate | None = None
    exploitation_end: PastDate | None = None

    @property
    def org_code(self) -> str:
        """The reporting organisation: ``organisation`` when sent, else derived from the
        reporter code (``zicht.registry.organisations.derive_org``)."""
        if self.organisation is not None:
            return self.organisation
        return derive_org(self.reporter, self.police_unit, self.reporter_org)

    @property
    def anonymous(self) -> bool:
        """Kept only as an anonymous report: no legal basis and no consent."""
        return self.consent == "no" and self.reporter not in C.INVESTIGATIVE_REPORTERS


_DATE_FIELDS = ("report_date", "birth_date", "exploitation_start", "exploitation_end")


@lru_cache(maxsize=2)
def batch_adapter(today: dt.date) -> TypeAdapter[list[ReportRecord]]:
    """A validator for a batch, with "not in the future" as native constraints for ``today``.

    The same model as :class:`ReportRecord`; only the future checks move from Python
    validators (three calls per row) into pydantic-core (``le=today``).
    """
    past = Annotated[dt.date, Field(le=today)]
    model = create_model(
        "ReportRecord",
        __base__=ReportRecord,
        __doc__=ReportRecord.__doc__,
        report_date=(past, ...),
        birth_date=(past | None, None),
        birth_year=(Annotated[int, Field(ge=1900, le=today.year)] | None, None),
        exploitation_start=(past | None, None),
        exploitation_end=(past | None, None),
        # clean_row has split and de-duplicated the lists: no Python validator per row.
        forms=(Annotated[list[Form], Field(min_length=1)], ...),
        labour_sector=(list[LabourSector], Field(default_factory=list)),
    )
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def find_rule_problems(rec: ReportRecord) -> list[tuple[str, str]]:
    """The cross-field rules of the import contract: ``(field, message)`` per breach."""
    out: list[tuple[str, str]] = []
    if rec.reporter == "police" and rec.police_unit is None:
        out.append(("police_unit", "is required when reporter is police; expected one of "
                    + ", ".join(c.code for c in C.POLICE_UNITS)))
    elif rec.reporter != "police" and rec.police_unit is not None:
        out.append(("police_unit", "is only for reporter police; leave it empty"))
    if rec.consent is None and rec.reporter not in C.INVESTIGATIVE_REPORTERS:
        out.append(("consent", f"is required for reporter {rec.reporter} (no legal basis "
                    "to register without consent); expected yes or no"))
    if rec.anonymous:
        for name in C.IDENTIFYING_FIELDS:
            if getattr(rec, name) is not None:
                out.append((name, "must be empty because consent is no: without consent "
                            "the report is kept only as an anonymous report. Remove the "
                            "identifying fields or send consent yes"))
    if rec.organisation is not None:
        problem = org_problem(rec.organisation)
        if problem is None and not org_fits(rec.organisation, rec.reporter, rec.police_unit):
            problem = (f"does not fit reporter {rec.reporter}"
                       + (f" and police_unit {rec.police_unit}" if rec.police_unit else "")
                       + "; send the organisation that made this report")
        if problem:
            out.append(("organisation", problem))
    if rec.birth_date is not None and rec.birth_year is not None:
        out.append(("birth_year", "must be empty when birth_date is given (send one of them)"))
    if rec.birth_date is not None and rec.birth_date > rec.report_date:
        out.append(("birth_date", "is after report_date; check both dates"))
    elif rec.birth_year is not None and rec.birth_year > rec.report_date.year:
        out.append(("birth_year", "is after the year of report_date; check both"))
    if (rec.exploitation_start and rec.exploitation_end
            and rec.exploitation_start > rec.exploitation_end):
        out.append(("exploitation_end", "is before exploitation_start"))
    return out


@dataclass(frozen=True)
class ValidatedBatch:
    """The outcome of :func:`validate_records`: records (if no problems) and problems."""

    records: list[ReportRecord]
    problems: list[Problem]


def _problem_of(error: Any, row: int | None, today: dt.date) -> Problem:
    loc = [str(p) for p in error["loc"]]
    name = loc[0] if loc else None
    message = error["msg"]
    if error["type"] == "less_than_equal" and name in _DATE_FIELDS:
        message = f"is in the future (after {today.isoformat()})"
    elif error["type"] == "less_than_equal" and name == "birth_year":
        message = f"is in the future (after {today.year})"
    elif error["type"] == "string_pattern_mismatch" and name == "report_ref":
        has_control = any(ord(ch) < 32 or ord(ch) == 127 for ch in str(error.get("input", "")))
        message = ("holds a control character (such as NUL, tab or escape); it "
                   f"{REPORT_REF_RULE}") if has_control else REPORT_REF_RULE
    # Never echo the input: it may be personal data.
    return Problem(row, name, message)


def validate_records(rows: Sequence[Mapping[str, Any]], row_numbers: Sequence[int | None],
                     *, today: dt.date | None = None, org: str | None = None
                     ) -> ValidatedBatch:
    """Validate a batch; every problem is reported, records only when there is none.

    Empty strings count as "not known". A ``reporter`` + ``report_ref`` twice in one
    batch is a problem (a re-send belongs in a later file or request).
    """
    today = today or dt.date.today()
    cleaned = [clean_row(row) for row in rows]
    problems: list[Problem] = []
    try:
        records: list[ReportRecord | None] = list(
            batch_adapter(today).validate_python(cleaned, context={"today": today}))
    except PydanticValidationError as exc:
        bad: set[int] = set()
        for err in exc.errors(include_url=False, include_input=False):
            index = int(err["loc"][0])
            bad.add(index)
            field = err["loc"][1] if len(err["loc"]) > 1 else None
            value = cleaned[index].get(field) if isinstance(field, str) else None
            problems.append(_problem_of({**err, "loc": err["loc"][1:], "input": value},
                                        row_numbers[index], today))
        records = [None if i in bad else ReportRecord.model_validate(r, context={"today": today})
                   for i, r in enumerate(cleaned)]
    return check_records(records, row_numbers, problems, org=org)


def check_records(records: Sequence[ReportRecord | None], row_numbers: Sequence[int | None],
                  problems: Sequence[Problem] = (), *, org: str | None = None
                  ) -> ValidatedBatch:
    """The cross-field rules and the duplicate check over records already parsed.

    ``None`` stands for a row whose fields failed (its problems are in ``problems``).
    ``POST /reports`` calls this directly: FastAPI has parsed the body as a ReportRecord.
    ``org``: the organisation of the sender (a reporter key); each record becomes that
    organisation's, and a record of another organisation is a problem.
    """
    out = list(problems)
    seen: dict[tuple[str, str], int | None] = {}
    records = list(records)
    for i, (rec, row) in enumerate(zip(records, row_numbers, strict=True)):
        if rec is None:
            continue
        rule_problems = find_rule_problems(rec)
        out.extend(Problem(row, f, m) for f, m in rule_problems)
        if org is not None and not rule_problems:
            rec = records[i] = _as_sent_by(rec, org, row, out)
        key = (rec.org_code, rec.report_ref)
        if key in seen:
            out.append(Problem(row, "report_ref", "is sent twice in this batch for the "
                               f"same reporter (first at row {seen[key]}); send each "
                               "report once"))
        else:
            seen[key] = row
    out.sort(key=lambda p: (p.row or 0, p.field or ""))
    return ValidatedBatch(records=[] if out else [r for r in records if r is not None],
                          problems=out)


def _as_sent_by(rec: ReportRecord, org: str, row: int | None,
                problems: list[Problem]) -> ReportRecord:
    """``rec`` as organisation ``org``'s report; a problem when it is another's."""
    if rec.organisation is not None and rec.organisation != org:
        problems.append(Problem(row, "organisation", f"is {rec.organisation}, but the key "
                                f"belongs to {org}; send only your own reports"))
    elif not org_fits(org, rec.reporter, rec.police_unit):
        problems.append(Problem(row, "reporter", f"is {rec.reporter}, but the key belongs "
                                f"to {org}; send only your own reports"))
    elif rec.organisation is None:
        return rec.model_copy(update={"organisation": org})
    return rec

"""Reader-facing wording in English and Dutch: column headings, code labels, UI text.

Code labels come from ``zicht.core.codes`` (one place for every code list); this
module only maps a *column* to the code list that labels its values, and holds the
few words of the report and dashboard themselves.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from babel import Locale

from zicht.core import codes as c
from zicht.core import municipalities

_ALL_FORMS = c.Code("all", "All forms", "Alle vormen")
_UNKNOWN = c.Code("unknown", "Unknown", "Onbekend")

#: Which code list labels the values of a column (by the fixed column names).
#: The stages of a victim's route (issue 15; zicht.research.route.model.STAGES).
_ROUTE_STAGES = (
    c.Code("entry", "Entering the route", "Begin route"),
    c.Code("entered", "Entered the route", "Route begonnen"),
    c.Code("reflection", "Reflection period", "Bedenktijd"),
    c.Code("cosm", "COSM shelter", "COSM-opvang"),
    c.Code("residence", "Temporary or continued residence", "Tijdelijk of voortgezet verblijf"),
    c.Code("housing", "Shelter or housing (Wmo)", "Opvang of huisvesting (Wmo)"),
    c.Code("aid", "Aid (Wmo guidance)", "Hulp (Wmo-begeleiding)"),
    c.Code("none", "No stage", "Geen fase"),
)
#: Each route's one outcome (zicht.research.route.model.OUTCOMES).
_ROUTE_OUTCOMES = (
    c.Code("housing", "Shelter or housing", "Opvang of huisvesting"),
    c.Code("departed", "Returned home", "Teruggekeerd"),
    c.Code("running", "Still running (censored)", "Loopt nog (gecensureerd)"),
    c.Code("residence", "Residence, no shelter or housing",
           "Verblijf, geen opvang of huisvesting"),
    c.Code("aid", "Aid (Wmo guidance) only", "Alleen hulp (Wmo-begeleiding)"),
    c.Code("break", "Break", "Breuk"),
)

CODE_LISTS: dict[str, tuple[c.Code, ...]] = {
    "stage": _ROUTE_STAGES,
    "from_stage": _ROUTE_STAGES,
    "to_stage": _ROUTE_STAGES,
    "last_stage": _ROUTE_STAGES,
    "route_outcome": _ROUTE_OUTCOMES,
    "locations": (c.Code("0", "None", "Geen"), c.Code("1", "One", "Eén"),
                  c.Code("2", "Two", "Twee"), c.Code("3", "Three", "Drie"),
                  c.Code("4+", "Four or more", "Vier of meer")),
    # The justice chain splits sexual exploitation no further, and has a total row.
    "form": (*c.FORMS, *(x for x in c.REPORTED_FORMS if x.code in ("sexual", "other")),
             _ALL_FORMS),
    "reported_form": c.REPORTED_FORMS,
    "form_detail": c.FORMS,
    "age_group": c.AGE_GROUPS,
    "sex": (*c.SEXES, c.Code("unknown", "Unknown", "Onbekend")),
    "reporter": c.REPORTERS,
    "police_unit": c.POLICE_UNITS,
    "origin_region": c.ORIGIN_REGIONS,
    "region": c.ORIGIN_REGIONS,
    "sexual_sector": c.SEXUAL_SECTORS,
    "sector": (*c.SEXUAL_SECTORS, *c.LABOUR_SECTORS, _UNKNOWN),
    "labour_sector": c.LABOUR_SECTORS,
    "criminal_manner": c.CRIMINAL_MANNERS,
    "manner": (*c.CRIMINAL_MANNERS, _UNKNOWN),
    **c.DIMENSION_LABELS,
}

_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
}

#: Column headings; a column not listed is shown with underscores as spaces.
COLUMNS: dict[str, tuple[str, str]] = {
    # each victim's route and shelter (issue 15)
    "stage": ("Stage", "Fase"),
    "from_stage": ("From", "Van"),
    "to_stage": ("To", "Naar"),
    "last_stage": ("Last stage reached", "Laatst bereikte fase"),
    "reached": ("Reached", "Bereikt"),
    "q1_days": ("First quartile (days)", "Eerste kwartiel (dagen)"),
    "q3_days": ("Third quartile (days)", "Derde kwartiel (dagen)"),
    "reached_1y_pct": ("Reached within a year (%)", "Binnen een jaar bereikt (%)"),
    "breaks": ("Breaks", "Breuken"),
    "route_outcome": ("Outcome of the route", "Uitkomst van de route"),
    "locations": ("Locations", "Locaties"),
    "mean_locations": ("Mean locations", "Gemiddeld aantal locaties"),
    "intakes": ("Intakes", "Instroom"),
    "places": ("Places", "Plaatsen"),
    "left_unknown": ("Left, destination unknown", "Vertrokken met onbekende bestemming"),
    "started": ("Started", "Gestart"),
    "protected_shelter": ("In protected shelter", "In beschermde opvang"),
    "foster_family": ("In a foster family", "In een opvanggezin"),
    "year": ("Year", "Jaar"),
    "month": ("Month", "Maand"),
    "form": ("Form of exploitation", "Uitbuitingsvorm"),
    "sex": ("Sex", "Geslacht"),
    "age_group": ("Age group", "Leeftijdsgroep"),
    "reporter": ("Reporter", "Melder"),
    "police_unit": ("Police unit", "Politie-eenheid"),
    "municipality": ("Municipality", "Gemeente"),
    "origin_region": ("Origin region", "Herkomstregio"),
    "nationality": ("Nationality", "Nationaliteit"),
    "sector": ("Sector", "Sector"),
    "sexual_sector": ("Sector", "Sector"),
    "labour_sector": ("Sector", "Sector"),
    "criminal_manner": ("Manner", "Wijze"),
    "victims": ("Victims", "Slachtoffers"),
    "victims_incl_kmar_only": ("Victims incl. KMar-only", "Slachtoffers incl. alleen-KMar"),
    "reports": ("Reports", "Meldingen"),
    "persons": ("Persons", "Personen"),
    "visitors": ("Visitors", "Bezoekers"),
    "decisions": ("Decisions", "Beslissingen"),
    "outcome": ("Outcome", "Uitkomst"),
    "share": ("Share (%)", "Aandeel (%)"),
    "percentage": ("Percentage", "Percentage"),
    "mean_age": ("Mean age", "Gemiddelde leeftijd"),
    "estimate": ("Estimate", "Schatting"),
    "observed": ("Observed", "Waargenomen"),
    "row": ("Estimate of", "Schatting van"),
    "model": ("Model (list interactions)", "Model (interacties tussen lijsten)"),
    "error": ("Not estimable because", "Niet te schatten omdat"),
    "ci_lower": ("Lower bound", "Ondergrens"),
    "ci_upper": ("Upper bound", "Bovengrens"),
    "band_lower": ("Lowest credible method", "Laagste geloofwaardige methode"),
    "band_upper": ("Highest credible method", "Hoogste geloofwaardige methode"),
    "methods_in_band": ("Methods in the band", "Methoden in de band"),
    "chosen": ("Published estimate from", "Gepubliceerde schatting uit"),
    "method": ("Method", "Methode"),
    "family": ("Family of models", "Modelfamilie"),
    "assumes": ("Assumes", "Veronderstelt"),
    "group": ("Group", "Groep"),
    "n": ("N", "N"),
    # Every other column a stage releases: no English heading in the Dutch edition.
    "period": ("Period", "Periode"),
    "visibility": ("Visibility", "Zichtbaarheid"),
    "sector_known": ("Sector known", "Sector bekend"),
    "manner": ("Manner", "Wijze"),
    "combination": ("Combination of forms", "Combinatie van vormen"),
    "rank": ("Rank", "Rang"),
    "procedure": ("Procedure", "Procedure"),
    "dublin": ("Dublin indication", "Dublinindicatie"),
    "ground": ("Ground", "Grond"),
    "foreign_victims": ("Foreign victims", "Buitenlandse slachtoffers"),
    "incidents": ("Incidents", "Incidenten"),
    "victim_reports": ("Reports by the victim", "Aangiften door het slachtoffer"),
    "victim_reports_share": ("Reports by the victim (%)", "Aangiften door het slachtoffer (%)"),
    "suspects_known": ("Suspect known", "Verdachte bekend"),
    "cases": ("Cases", "Zaken"),
    "decided": ("Decided", "Afgedaan"),
    "summons": ("Summoned", "Gedagvaard"),
    "dismissals": ("Dismissed", "Geseponeerd"),
    "summons_rate": ("Summons rate (%)", "Dagvaardingspercentage (%)"),
    "convicted": ("Convicted", "Veroordeeld"),
    "acquitted": ("Acquitted", "Vrijgesproken"),
    "other": ("Other", "Overig"),
    "prison_sentences": ("Unconditional prison sentences", "Onvoorwaardelijke gevangenisstraffen"),
    "conviction_rate": ("Conviction rate (%)", "Veroordelingspercentage (%)"),
    "mean_prison_days": ("Mean unconditional prison term (days)",
                         "Gemiddelde onvoorwaardelijke gevangenisstraf (dagen)"),
    "visitor_group": ("Group", "Groep"),
    "measure": ("Breakdown", "Uitsplitsing"),
    "sexual": ("Sexual exploitation", "Seksuele uitbuiting"),
    "criminal": ("Criminal exploitation", "Criminele uitbuiting"),
    "minors": ("Minors", "Minderjarigen"),
    "breakdown": ("Breakdown", "Uitsplitsing"),
    "category": ("Category", "Categorie"),
    "age": ("Age", "Leeftijd"),
    "persons_with": ("Persons with", "Personen met"),
    "with_youth_care": ("With youth care", "Met jeugdhulp"),
    "youth_care": ("Youth care", "Jeugdhulp"),
    "shelter": ("Shelter", "Opvang"),
    "care_type": ("Type of care", "Type jeugdhulp"),
    "shelter_type": ("Type of shelter", "Type opvang"),
    "referrer": ("Referrer", "Verwijzer"),
    "end_reason": ("Reason for ending", "Reden beëindiging"),
    "mean_eur": ("Mean cost (EUR)", "Gemiddelde kosten (EUR)"),
    "follow_up_years": ("Follow-up (years)", "Volgperiode (jaren)"),
    "index_years": ("Index years", "Peiljaren"),
    "follow_up": ("Follow-up", "Volgperiode"),
    "cohort": ("Cohort", "Cohort"),
    "revictimised": ("Revictimised", "Opnieuw slachtoffer"),
    "not_revictimised": ("Not revictimised", "Niet opnieuw slachtoffer"),
    "revictimisation": ("Revictimisation", "Herhaald slachtofferschap"),
    "share_revictimised": ("Revictimised (%)", "Opnieuw slachtoffer (%)"),
    "once": ("Once", "Eén keer"),
    "more_than_once": ("More than once", "Meer dan één keer"),
    "share_once": ("Once (%)", "Eén keer (%)"),
    "share_more_than_once": ("More than once (%)", "Meer dan één keer (%)"),
    "offence": ("Offence", "Delict"),
    "offence_group": ("Type of offence", "Type delict"),
    "series": ("Series", "Reeks"),
    "sexual_split": ("Form of exploitation", "Uitbuitingsvorm"),
    "at_risk": ("At risk", "Nog in beeld"),
    "events": ("Events", "Gebeurtenissen"),
    "days": ("Days", "Dagen"),
    "cumulative_pct": ("Cumulative share (%)", "Cumulatief aandeel (%)"),
    "mean_days": ("Mean days", "Gemiddeld aantal dagen"),
    "median_days": ("Median days", "Mediaan aantal dagen"),
    "registered": ("Registered", "Geregistreerd"),
    # Issue 14, "missing today"
    "dublin_indication": ("Dublin indication", "Dublinindicatie"),
    "african_dublin": ("African victims with a Dublin indication",
                       "Afrikaanse slachtoffers met Dublinindicatie"),
    "sector_unknown": ("Sector unknown", "Sector onbekend"),
    "share_unknown": ("Sector unknown (%)", "Sector onbekend (%)"),
    "registering_agency": ("Registering agency", "Registrerende instantie"),
    "investigations": ("Investigations", "Opsporingsonderzoeken"),
    "cases_share": ("Share of cases (%)", "Aandeel zaken (%)"),
    "investigations_share": ("Share of investigations (%)",
                             "Aandeel opsporingsonderzoeken (%)"),
    "suspects": ("Suspects", "Verdachten"),
    "question": ("Question", "Vraag"),
    "answer": ("Answer", "Antwoord"),
    "months": ("Months", "Maanden"),
    "number": ("Number", "Aantal"),
    "sd_days": ("Standard deviation (days)", "Standaarddeviatie (dagen)"),
    "finding": ("Finding", "Bevinding"),
    "year_from": ("From year", "Vanaf jaar"),
    "value_from": ("Then", "Toen"),
    "year_to": ("To year", "Tot jaar"),
    "value_to": ("Now", "Nu"),
    "change_pct": ("Change (%)", "Verandering (%)"),
    "change_year": ("Change point", "Trendbreuk"),
    "first_year": ("First year", "Eerste jaar"),
    "yearly_change_pct": ("Yearly change (%)", "Verandering per jaar (%)"),
    "p_value": ("p-value", "p-waarde"),
    "population": ("Population", "Populatie"),
    "aid": ("Aid", "Hulpverlening"),
}

#: The words of the report and dashboard themselves.
TEXT: dict[str, tuple[str, str]] = {
    "report_title": ("Human trafficking victim monitor", "Slachtoffermonitor mensenhandel"),
    "summary": ("Management summary", "Managementsamenvatting"),
    "key_findings": ("Key findings", "Belangrijkste bevindingen"),
    "contents": ("Contents", "Inhoud"),
    "unit": ("Counting unit", "Telleenheid"),
    "list_of_figures": ("List of figures", "Lijst van figuren"),
    "not_run": (
        "This chapter was not produced: the `{stage}` release was not found in the input. "
        "Run `zicht {stage}` and then `zicht report` again.",
        "Dit hoofdstuk is niet gemaakt: de `{stage}`-uitvoer ontbreekt in de invoer. "
        "Draai `zicht {stage}` en daarna opnieuw `zicht report`.",
    ),
    "no_tables": ("No tables were released for this chapter.",
                  "Voor dit hoofdstuk zijn geen tabellen vrijgegeven."),
    "source": ("Source", "Bron"),
    "total": ("Total", "Totaal"),
    "notes": ("Notes", "Opmerkingen"),
    "policy": ("Disclosure", "Openbaarmaking"),
    "suppressed": (
        "x = suppressed by the disclosure gate (fewer than {threshold}).",
        "x = onderdrukt door de openbaarmakingscontrole (minder dan {threshold}).",
    ),
    "table_behind": ("Table behind the figure", "Tabel bij de figuur"),
    "figure": ("Figure", "Figuur"),
    "method": ("Method annex", "Bijlage methode"),
    "method_intro": (
        "This annex is generated from the rules zicht ran; a rule changed in code "
        "changes this text.",
        "Deze bijlage is gemaakt uit de regels die zicht heeft toegepast; een regel die "
        "in de code verandert, verandert deze tekst.",
    ),
    "method_missing": (
        "The releases carry no classification rules (no `method` key); see "
        "docs/classification.md of this zicht version.",
        "De uitvoer bevat geen classificatieregels (geen `method`-sleutel); zie "
        "docs/classification.md van deze zicht-versie.",
    ),
    "disclosure_rules": ("Disclosure control", "Openbaarmakingscontrole"),
    "code_lists": ("Code lists", "Codelijsten"),
    "generated": ("Generated by zicht {version} on {date}.",
                  "Gemaakt door zicht {version} op {date}."),
    "releases": ("Releases used", "Gebruikte uitvoer"),
    "route_intro": (
        "A victim's route runs from a reflection period through COSM shelter and a "
        "residence decision to shelter or housing and aid. Each route has one outcome: "
        "shelter or housing, returned home, still running, residence without shelter or "
        "housing, aid only, or a break (ended without any of these). A route still "
        "running at the end of the data is censored, not a break: as in the UK National "
        "Referral Mechanism's statistics, a decision still pending is not a negative "
        "outcome. Times to each stage are Kaplan-Meier estimates with the same censoring.",
        "De route van een slachtoffer loopt van bedenktijd via COSM-opvang en een "
        "beslissing over verblijf naar opvang of huisvesting en hulp. Elke route heeft één "
        "uitkomst: opvang of huisvesting, teruggekeerd, loopt nog, verblijf zonder opvang "
        "of huisvesting, alleen hulp, of een breuk (geëindigd zonder een van deze). Een "
        "route die aan het einde van de gegevens nog loopt, is gecensureerd en geen breuk: "
        "zoals in de statistiek van het Britse National Referral Mechanism is een "
        "beslissing die nog openstaat geen negatieve uitkomst. De tijd tot elke fase is "
        "een Kaplan-Meier-schatting met dezelfde censurering.",
    ),
    "controls_design": (
        "Victims are compared with matched controls: residents of the same sex and age, "
        "{per_victim} per victim as in the design. {controls} controls were drawn for "
        "{victims} victims (about {ratio} per victim).",
        "Slachtoffers worden vergeleken met een gematchte controlegroep: inwoners van "
        "hetzelfde geslacht en dezelfde leeftijd, {per_victim} per slachtoffer volgens de "
        "opzet. Voor {victims} slachtoffers zijn {controls} controles getrokken (ongeveer "
        "{ratio} per slachtoffer).",
    ),
    "controls_replacement": (
        "The population register of this run is too small for {per_victim} different "
        "residents per victim: the controls are drawn with replacement, from {distinct} "
        "different residents, so a resident can count more than once. The comparison is "
        "then less precise than its number of controls suggests.",
        "Het bevolkingsregister van deze run is te klein voor {per_victim} verschillende "
        "inwoners per slachtoffer: de controles zijn met teruglegging getrokken uit "
        "{distinct} verschillende inwoners, zodat een inwoner meer dan eens kan tellen. De "
        "vergelijking is daardoor minder nauwkeurig dan het aantal controles doet "
        "vermoeden.",
    ),
    "controls_shortfall": (
        "Shortfall: {shortfall} controls fewer than the design asks ({per_victim} per "
        "victim); the strata of sex and age had too few residents.",
        "Tekort: {shortfall} controles minder dan de opzet vraagt ({per_victim} per "
        "slachtoffer); de groepen naar geslacht en leeftijd hadden te weinig inwoners.",
    ),
    "finding": ("{value} {subject} in {year}, {change}% {direction} than in {since}; {trend}.",
                "{value} {subject} in {year}, {change}% {direction} dan in {since}; {trend}."),
    "finding_trend": (
        "since {since} a significant {direction} of {change}% a year on average ({p})",
        "sinds {since} een significante {direction} van gemiddeld {change}% per jaar ({p})"),
    "finding_no_trend": ("since {since} no significant trend ({p})",
                         "sinds {since} geen significante trend ({p})"),
    "fewer": ("fewer", "minder"),
    "more": ("more", "meer"),
    "fall": ("fall", "daling"),
    "rise": ("rise", "stijging"),
    "no_findings": ("Too few years to compare.", "Te weinig jaren om te vergelijken."),
    "overview": ("Overview", "Overzicht"),
    "regional": ("Regional view", "Regionaal beeld"),
    "downloads": ("Downloads", "Downloads"),
    "sign_in": ("Sign in", "Inloggen"),
    "sign_out": ("Sign out", "Uitloggen"),
    "api_key": ("API key", "API-sleutel"),
    "year_from": ("From year", "Vanaf jaar"),
    "year_to": ("To year", "Tot en met jaar"),
    "all_forms": ("All forms", "Alle vormen"),
    "apply": ("Apply", "Toepassen"),
    "no_data": ("No published data for this selection.",
                "Geen gepubliceerde gegevens voor deze selectie."),
    "unit_or_municipality": ("Police unit or municipality", "Politie-eenheid of gemeente"),
    "signed_in_as": ("Signed in as", "Ingelogd als"),
    "municipality_only": (
        "Your account sees the published tables of municipality {org} only.",
        "Uw account ziet alleen de gepubliceerde tabellen van gemeente {org}.",
    ),
}

#: What each series of the key findings counts (``research/monitor/findings.SERIES``).
FINDING_SUBJECTS: dict[str, tuple[str, str]] = {
    "victims": ("registered victims", "geregistreerde slachtoffers"),
    "sexual": ("victims of sexual exploitation", "slachtoffers van seksuele uitbuiting"),
    "labour": ("victims of labour exploitation", "slachtoffers van arbeidsuitbuiting"),
    "criminal": ("victims of criminal exploitation", "slachtoffers van criminele uitbuiting"),
    "minors": ("minors", "minderjarigen"),
}
CODE_LISTS["finding"] = tuple(c.Code(k, en.capitalize(), nl.capitalize())
                              for k, (en, nl) in FINDING_SUBJECTS.items())

#: The sources the stages name (``TableSpec.source``, in English) as the Dutch edition
#: names them. A stage with a new source adds its line here (a test scans the report).
SOURCES: dict[str, str] = {
    "Reflection offers, COSM stays, protected shelter, asylum reception (COA), IND "
    "decisions and Wmo shelter and housing, linked by foreigner-number pseudonym":
        "Aanbod bedenktijd, COSM-verblijf, beschermde opvang, asielopvang (COA), "
        "IND-beslissingen en Wmo-opvang en -huisvesting, gekoppeld op gepseudonimiseerd "
        "vreemdelingennummer",
    "COSM stays, protected shelter (COA), Nidos guardianship, shelter places":
        "COSM-verblijf, beschermde opvang (COA), voogdij Nidos, opvangplaatsen",
    "Police suspects (sources/police_suspects.parquet), police incidents":
        "Politie, verdachten en incidenten mensenhandel",
    "Registry extract (reports.parquet), zicht monitor":
        "Registratie slachtoffers mensenhandel (gepseudonimiseerd extract)",
    "CoMensha registration, pseudonymised extract":
        "Registratie CoMensha (gepseudonimiseerd extract)",
    "registry extract (victim per report year)":
        "Registratie slachtoffers mensenhandel (slachtoffer per meldjaar)",
    "IND residence-scheme decisions (sources/ind_decisions.parquet); registry extract":
        "IND, beslissingen verblijfsregeling mensenhandel; registratie slachtoffers",
    "Police incidents linked to youth care, Wmo shelter, health costs and the population "
    "register (pseudonymised)":
        "Politie-incidenten gekoppeld aan jeugdhulp, Wmo-opvang, zorgkosten en de BRP "
        "(gepseudonimiseerd)",
    "Police incidents (sources/police_incidents.parquet)": "Politie, incidentenregistratie",
    "Justice chain (sources/justice_cases.parquet)": "Strafrechtketen (OM en rechtspraak)",
    "Chat contacts (sources/chat_contacts.parquet)": "Chatdienst, chatcontacten",
}


#: The counting unit of each rule table (``RuleTable.unit``, in English) as the Dutch
#: edition's method annex names it.
UNITS: dict[str, str] = {
    "decision (by year of decision)": "beslissing (naar jaar van beslissing)",
    "figure": "figuur",
    "incident": "incident",
    "new incident": "nieuw incident",
    "registry report": "melding",
    "unique visitor per year": "unieke bezoeker per jaar",
    "victim": "slachtoffer",
    "victim (index incident)": "slachtoffer (indexincident)",
    "victim per year": "slachtoffer per jaar",
    "victim per year (all forms reported in the year, by every reporter)":
        "slachtoffer per jaar (alle in dat jaar gemelde vormen, door elke melder)",
    "victim per year with criminal exploitation": "slachtoffer per jaar met criminele uitbuiting",
    "victim per year with labour exploitation": "slachtoffer per jaar met arbeidsuitbuiting",
    "victim per year with sexual exploitation": "slachtoffer per jaar met seksuele uitbuiting",
}


def unit_label(unit: str, lang: str = "en") -> str:
    """A rule table's counting unit as the edition names it."""
    if not unit:
        return ""
    name = UNITS.get(unit, unit) if lang == "nl" else unit
    return f"{text('unit', lang)}: {name}"


def source_label(source: str, lang: str = "en") -> str:
    """A table's source as the edition names it (the stages name it in English)."""
    return SOURCES.get(source, source) if lang == "nl" else source


#: The research stages as the report's list of releases names them.
STAGE_NAMES: dict[str, tuple[str, str]] = {
    "monitor": ("Monitor (chapter 2)", "Monitor (hoofdstuk 2)"),
    "linked": ("Linked analyses", "Gekoppelde analyses"),
    "estimate": ("Estimate of the hidden number", "Schatting verborgen aantal"),
}

#: The parameters a research stage releases beside its rule tables (the non-rule
#: values under ``method`` in its release, e.g. the options of ``zicht estimate``), as
#: the method annex names them; ``parameter_value`` words their values.
PARAMETERS: dict[str, tuple[str, str]] = {
    "by": ("Strata (estimated separately per)", "Strata (afzonderlijk geschat per)"),
    "lists_merged": ("Lists merged because they were too small",
                     "Lijsten samengevoegd omdat ze te klein waren"),
    "level": ("Confidence level of the intervals", "Betrouwbaarheidsniveau van de intervallen"),
    "method": ("Estimation method", "Schattingsmethode"),
    "seed": ("Seed of the random number generator", "Startwaarde van de toevalsgenerator"),
    "bootstrap": ("Bootstrap replicates", "Aantal bootstraptrekkingen"),
    "p_threshold": ("p-value for keeping an interaction (stepwise)",
                    "p-waarde om een interactie op te nemen (stapsgewijs)"),
    "max_order": ("Highest order of list interactions", "Hoogste orde van interacties tussen "
                  "lijsten"),
    "workers": ("Parallel processes", "Parallelle processen"),
    "model": ("Fixed model (list interactions)", "Vast model (interacties tussen lijsten)"),
    "covariate_model": ("Model with covariates", "Model met covariaten"),
}


def parameter_label(name: str, lang: str = "en") -> str:
    """A released parameter's name as the method annex shows it."""
    en, nl = PARAMETERS.get(name, (column_label(name, "en"), column_label(name, "nl")))
    return nl if lang == "nl" else en


def parameter_value(name: str, value: Any, lang: str = "en") -> str:
    """A released parameter's value in words: 0.95 -> 95%, codes by their labels, the
    merged lists per stratum (only those where something was merged)."""
    if name == "level" and isinstance(value, float):
        return f"{format_number(round(value * 100, 1), lang)}%"
    if name == "by" and isinstance(value, (list, tuple)):
        return ", ".join(column_label(str(v), lang) for v in value)
    if name == "method" and isinstance(value, str):
        return value_label("method", value, lang)
    if name == "lists_merged" and isinstance(value, dict):
        merged = [f"{_stratum(str(k), lang)}: {'; '.join(_merge_note(n, lang) for n in v)}"
                  for k, v in value.items() if v]
        return "; ".join(merged) or ("geen" if lang == "nl" else "none")
    if isinstance(value, dict):
        return "; ".join(f"{column_label(str(k), lang)}: {parameter_value(str(k), v, lang)}"
                         for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(value_label("model", str(v), lang) for v in value)
    if isinstance(value, bool):
        return value_label("", value, lang)
    return format_number(value, lang) if isinstance(value, (int, float)) else str(value)


def _stratum(label: str, lang: str) -> str:
    """``year=2020`` -> 2020; the pooled table by its name."""
    if label == "pooled":
        return "gepoolde tabel" if lang == "nl" else "pooled table"
    return ", ".join(part.partition("=")[2] or part for part in label.split(", "))


def _merge_note(note: str, lang: str) -> str:
    """``merged kmar into other+kmar`` (``zicht estimate``'s note) in the edition's words."""
    found = re.fullmatch(r"merged (.+) into (.+)", note)
    if not found:
        return note

    def lists(names: str) -> str:
        return " + ".join(value_label("reporter", n.strip(), lang)
                          for n in re.split(r"[+,]", names))

    return (f"{lists(found[1])} samengevoegd met {lists(found[2])}" if lang == "nl"
            else f"{lists(found[1])} merged into {lists(found[2])}")


CHAPTER_TITLES: dict[str, tuple[str, str]] = {
    "signalling": ("Signalling: registered victims", "Signalering: geregistreerde slachtoffers"),
    "aid": ("Aid after trafficking", "Hulpverlening na mensenhandel"),
    "revictimisation": ("Revictimisation", "Revictimisatie"),
    "hidden_number": ("The hidden number", "Het verborgen aantal"),
    "justice_chain": ("The criminal-justice chain", "De strafrechtketen"),
    "chat": ("Anonymous online signals (chat)", "Anonieme online signalen (chat)"),
    "regional": ("Regional view", "Regionaal beeld"),
    "route": ("Each victim's route: reflection, shelter, residence, housing, aid",
              "De route van elk slachtoffer: bedenktijd, opvang, verblijf, huisvesting, "
              "hulp"),
}


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """A UI sentence in ``lang``, with ``{fields}`` filled in."""
    en, nl = TEXT[key]
    return (nl if lang == "nl" else en).format(**fields)


def chapter_title(key: str, lang: str = "en") -> str:
    en, nl = CHAPTER_TITLES.get(key, (key, key))
    return nl if lang == "nl" else en


def column_label(column: str, lang: str = "en") -> str:
    """The heading of a column: from the table above, else the name made readable."""
    if column in COLUMNS:
        en, nl = COLUMNS[column]
        return nl if lang == "nl" else en
    return column.replace("_", " ").capitalize()


def test_category_label(category: str, lang: str = "en") -> str:
    """The category of a released test (``form=criminal``, ``total=total``, or a bare
    code such as ``crisis``) in the edition's words."""
    column, _, code = category.partition("=")
    if code:
        if column == "total":
            return text("total", lang)
        if value_label(column, code, lang) != code:
            return value_label(column, code, lang)
        category = code  # e.g. minor_adult=adult: a code of some list
    if category in COLUMNS:  # a test over a whole column, e.g. youth_care
        return column_label(category, lang)
    for codes in (*CODE_LISTS.values(), c.YOUTH_CARE_TYPES, c.SHELTER_TYPES):
        if any(x.code == category for x in codes):
            return c.label(codes, category, lang)
    return value_label("", category, lang)


def value_label(column: str, value: Any, lang: str = "en") -> str:
    """How a cell of a dimension column reads: a code's label, a month's name."""
    if value is None:
        return "onbekend" if lang == "nl" else "unknown"
    if column == "model":  # a formula of list codes: the Dutch edition names the lists
        return str(value) if lang != "nl" else re.sub(
            r"[a-z_]+", lambda m: c.label(c.REPORTERS, m.group(0), lang)
            if any(r.code == m.group(0) for r in c.REPORTERS) else m.group(0), str(value))
    if column == "month" and isinstance(value, int) and 1 <= value <= 12:
        return _MONTHS["nl" if lang == "nl" else "en"][value - 1]
    table = CODE_LISTS.get(column)
    if table is not None and isinstance(value, str):
        return c.label(table, value, lang)
    if column == "municipality" and isinstance(value, str):  # GM0363 -> Amsterdam
        return municipalities.name(value)
    if column in ("nationality", "nationality_2") and isinstance(value, str):
        return country_name(value, lang)
    if column == "combination" and isinstance(value, str):  # e.g. sexual+labour
        return " + ".join(c.label(c.REPORTED_FORMS, part, lang) for part in value.split("+"))
    if isinstance(value, str) and value.islower() and "_" in value:
        return value.replace("_", " ").capitalize()  # a code without a list: readable
    if isinstance(value, bool):
        return ("ja" if value else "nee") if lang == "nl" else ("yes" if value else "no")
    return str(value)


@functools.cache
def country_name(iso2: str, lang: str = "en") -> str:
    """A nationality's country name from CLDR (Babel): PL -> Poland / Polen."""
    return str(Locale(lang).territories.get(iso2.upper(), iso2))


def code_order(column: str) -> list[str]:
    """The order in which a column's codes are listed (the code list's order)."""
    table = CODE_LISTS.get(column)
    return [x.code for x in table] if table else []


def format_number(value: Any, lang: str = "en") -> str:
    """A number as a reader writes it: thousands grouped, Dutch with a dot."""
    if value is None:
        return "x"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        s = f"{value:,.1f}"
    else:
        s = f"{int(value):,}"
    if lang == "nl":
        s = s.replace(",", "_").replace(".", ",").replace("_", ".")
    return s

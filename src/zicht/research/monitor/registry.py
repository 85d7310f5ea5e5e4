"""Figures 2.1-2.10 and the anonymous reports: the registry part of chapter 2.

Every figure reads the working tables of ``base.py`` without the excluded KMar-only
sexual victims, except figure 2.1's second column: the counts over the breakdown columns
(``victim_cube``), a small cube of the sector columns for figures 2.3-2.5 (one scan of
``victim_year``) and ``victim_year`` itself for the top nationalities. Counts are exact
(policy ``registry``), as the rapporteur publishes them; shares are percentages of
unrounded counts.
"""

from __future__ import annotations

from zicht.core import codes as c
from zicht.core.table import TableSpec
from zicht.research import classify as cl
from zicht.research.monitor.base import REPORTERS, UNITS, reporter_column, unit_column
from zicht.research.monitor.table import (
    make_table,
    order_by_codes,
    share_sql,
    window_sql,
)
from zicht.research.store import ResearchStore

SOURCE = "Registry extract (reports.parquet), zicht monitor"
SOURCE_NL = "Registratie-extract"
#: The included victim-years, counted per breakdown (``base.build_victim_cube``).
V = "(SELECT * FROM victim_cube WHERE NOT excluded)"
#: Victims in a group of cube rows (a BIGINT, as COUNT(*) would be).
N = "CAST(SUM(victims) AS BIGINT)"
FORMS = tuple(x.code for x in c.FORMS)
SHARE = {"share": "victims"}


def _o(column: str, codes: tuple[str, ...]) -> str:
    return order_by_codes(column, codes)


def unpivot(source: str, keys: tuple[str, ...], columns: dict[str, str], name: str,
            value: str) -> str:
    """Long rows ``keys..., name, value`` from the count columns of a small table
    (``columns``: column -> code), leaving out zero counts as a GROUP BY would."""
    k = ", ".join(keys)
    return " UNION ALL ".join(
        f"SELECT {k}, {_quote(code)} AS {name}, {col} AS {value} FROM {source} "
        f"WHERE {col} > 0" for col, code in columns.items())


def _quote(code: str) -> str:
    return "'" + code.replace("'", "''") + "'"


def figure_2_1(store: ResearchStore) -> TableSpec:
    rows = store.rows(f"""
        SELECT year, CAST(SUM(CASE WHEN excluded THEN 0 ELSE victims END) AS BIGINT)
                 AS victims,
               {N} AS victims_incl_kmar_only
        FROM victim_cube GROUP BY year ORDER BY year""")
    return make_table(
        rows, "figures/2.1", ("victims", "victims_incl_kmar_only"),
        "Registered victims per year (excluding and including KMar-only sexual exploitation)",
        "Gemelde slachtoffers per jaar (zonder en met alleen door de KMar gemelde seksuele "
        "uitbuiting)",
        source=SOURCE,
        notes="A victim counts once per report year. Victims of sexual exploitation reported "
              "only by the KMar in a year are left out of every other figure.",
        notes_nl="Een slachtoffer telt één keer per meldjaar. Slachtoffers van seksuele "
                 "uitbuiting die in een jaar alleen door de KMar zijn gemeld, blijven buiten "
                 "alle andere figuren.")


def figure_2_2(store: ResearchStore) -> list[TableSpec]:
    parts = " UNION ALL ".join(
        f"SELECT year, '{r.code}' AS form, {N} AS victims FROM {V} x "
        f"WHERE ({r.sql}) GROUP BY year" for r in cl.FORM.rules)
    rows = store.rows(f"""
        SELECT year, form, victims, {share_sql('victims', 'year')} AS share
        FROM ({parts}) f ORDER BY year, {_o('form', FORMS)}""")
    combos = store.rows(f"""
        SELECT year, combination, {N} AS victims FROM (
          SELECT year, victims, CASE
            WHEN has_sexual AND has_labour AND has_criminal THEN 'sexual+labour+criminal'
            WHEN has_sexual AND has_criminal THEN 'sexual+criminal'
            WHEN has_sexual AND has_labour THEN 'sexual+labour'
            WHEN has_labour AND has_criminal THEN 'labour+criminal' END AS combination
          FROM {V} x) o
        WHERE combination IS NOT NULL GROUP BY year, combination ORDER BY year, combination""")
    return [
        make_table(rows, "figures/2.2", ("victims",),
                   "Registered victims by form of exploitation, every form a victim has",
                   "Gemelde slachtoffers naar uitbuitingsvorm (alle vormen, met overlap)",
                   source=SOURCE, shares=SHARE,
                   notes="A victim with several forms counts under each (N includes overlap); "
                         "share = % of the year's form counts.",
                   notes_nl="Een slachtoffer met meerdere vormen telt onder elke vorm (N "
                            "met overlap); aandeel = % van de vormtellingen van het jaar."),
        make_table(combos, "figures/2.2_overlap", ("victims",),
                   "Victims with more than one form of exploitation",
                   "Slachtoffers met meer dan één uitbuitingsvorm", source=SOURCE),
    ]


def build_sector_cube(store: ResearchStore) -> None:
    """``sector_cube``: included victim-years with sexual, labour or criminal exploitation,
    counted per year, form facts, sector / manner codes and month of the first report."""
    keys = ("year, has_sexual, has_labour, has_criminal, sexual_sector_code, "
            "sexual_visibility, labour_sector_code, criminal_manner_code, first_month")
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE sector_cube AS
        SELECT {keys}, COUNT(*) AS victims FROM victim_year
        WHERE NOT excluded AND (has_sexual OR has_labour OR has_criminal)
        GROUP BY {keys}""")


def figure_2_3(store: ResearchStore) -> list[TableSpec]:
    rows = store.rows(f"""
        SELECT year, sexual_sector_code AS sector, sexual_visibility AS visibility,
               {N} AS victims, {share_sql(N, 'year')} AS share
        FROM sector_cube x WHERE has_sexual AND sexual_sector_code <> 'unknown'
        GROUP BY year, sexual_sector_code, sexual_visibility
        ORDER BY year, {_o('sector', tuple(s.code for s in c.SEXUAL_SECTORS))}""")
    known_n = ("CAST(SUM(CASE WHEN sexual_sector_code <> 'unknown' THEN victims ELSE 0 END) "
               "AS BIGINT)")
    known = store.rows(f"""
        SELECT year, {N} AS victims, {known_n} AS sector_known,
               ROUND(100.0 * {known_n} / {N}, 1) AS share
        FROM sector_cube x WHERE has_sexual GROUP BY year ORDER BY year""")
    return [
        make_table(rows, "figures/2.3", ("victims",),
                   "Victims of sexual exploitation by prostitution sector, where known",
                   "Slachtoffers van seksuele uitbuiting naar sector, indien bekend",
                   source=SOURCE, shares=SHARE),
        make_table(known, "figures/2.3_known", ("victims", "sector_known"),
                   "Victims of sexual exploitation and how many with a known sector",
                   "Slachtoffers van seksuele uitbuiting en bij hoeveel de sector bekend is",
                   source=SOURCE, shares={"share": "sector_known"}),
    ]


def figure_2_4(store: ResearchStore, focus_year: int,
               period: tuple[int, int] | None = None) -> list[TableSpec]:
    """Figure 2.4a over ``period`` (default every year), 2.4b/c in ``focus_year``."""
    sectors = (*(s.code for s in c.LABOUR_SECTORS), "unknown")
    found = store.rows(f"""
        SELECT CAST(MIN(year) AS STRING) || '-' || CAST(MAX(year) AS STRING) AS period
        FROM sector_cube x WHERE has_labour {window_sql(period)}""")
    label = found[0]["period"] if found and found[0]["period"] else ""
    rows_a = store.rows(f"""
        SELECT '{label}' AS period, labour_sector_code AS sector, {N} AS victims,
               {share_sql(N, None)} AS share
        FROM sector_cube x WHERE has_labour {window_sql(period)}
        GROUP BY labour_sector_code
        ORDER BY {_o('sector', sectors)}""")
    rows_b = store.rows(f"""
        SELECT year, first_month AS month, {N} AS victims
        FROM sector_cube x WHERE has_labour AND year = {int(focus_year)}
        GROUP BY year, first_month ORDER BY month""")
    rows_c = store.rows(f"""
        SELECT year, labour_sector_code AS sector, {N} AS victims,
               {share_sql(N, None)} AS share
        FROM sector_cube x WHERE has_labour AND year = {int(focus_year)}
        GROUP BY year, labour_sector_code ORDER BY {_o('sector', sectors)}""")
    return [
        make_table(rows_a, "figures/2.4a", ("victims",),
                   f"Victims of labour exploitation by sector, {label}",
                   f"Slachtoffers van arbeidsuitbuiting naar sector, {label}",
                   source=SOURCE, shares=SHARE,
                   notes="With several sectors the rarer sector wins; 'other work' last.",
                   notes_nl="Bij meerdere sectoren telt de zeldzamere; 'overig werk' als "
                            "laatste."),
        make_table(rows_b, "figures/2.4b", ("victims",),
                   f"Victims of labour exploitation in {focus_year} by month of report",
                   f"Slachtoffers van arbeidsuitbuiting in {focus_year} naar maand van melding",
                   source=SOURCE, notes="Month of the victim's first report of the year.",
                   notes_nl="Maand van de eerste melding van het slachtoffer in het jaar."),
        make_table(rows_c, "figures/2.4c", ("victims",),
                   f"Victims of labour exploitation in {focus_year} by sector",
                   f"Slachtoffers van arbeidsuitbuiting in {focus_year} naar sector",
                   source=SOURCE, shares=SHARE),
    ]


def figure_2_5(store: ResearchStore) -> TableSpec:
    manners = (*(m.code for m in c.CRIMINAL_MANNERS), "unknown")
    rows = store.rows(f"""
        SELECT year, criminal_manner_code AS manner, {N} AS victims,
               {share_sql(N, 'year')} AS share
        FROM sector_cube x WHERE has_criminal GROUP BY year, criminal_manner_code
        ORDER BY year, {_o('manner', manners)}""")
    return make_table(rows, "figures/2.5", ("victims",),
                      "Victims of criminal exploitation by manner",
                      "Slachtoffers van criminele uitbuiting naar wijze", source=SOURCE,
                      shares=SHARE)


def known_share_sql(count: str, column: str, partition: str) -> str:
    """A percentage of ``count`` among the rows whose ``column`` is known, within
    ``partition``; NULL on the 'unknown' row, which stays outside the denominator (the
    seed's age shares: 003 figure 2.8)."""
    known = f"CASE WHEN {column} <> 'unknown' THEN {count} END"
    return (f"CASE WHEN {column} <> 'unknown' THEN ROUND(100.0 * {count} / "
            f"NULLIF(SUM({known}) OVER (PARTITION BY {partition}), 0), 1) END")


def _breakdown(store: ResearchStore, number: str, column: str, expr: str,
               codes: tuple[str, ...], title_en: str, title_nl: str,
               known_only: bool = False) -> list[TableSpec]:
    """Figure ``number`` per year and form (after the hierarchy), and over all forms.
    With ``known_only`` the shares are of the known values only (unknown: a count)."""
    def share(partition: str) -> str:
        return (known_share_sql(N, expr, partition) if known_only
                else share_sql(N, partition))
    by_form = store.rows(f"""
        SELECT year, form, {expr} AS {column}, {N} AS victims,
               {share('year, form')} AS share
        FROM {V} x GROUP BY year, form, {expr}
        ORDER BY year, {_o('form', FORMS)}, {_o(column, codes)}""")
    total = store.rows(f"""
        SELECT year, {expr} AS {column}, {N} AS victims,
               {share('year')} AS share
        FROM {V} x GROUP BY year, {expr} ORDER BY year, {_o(column, codes)}""")
    within = "share = % of the known values within year and form; unknown is a count " \
        "outside the denominator." if known_only else "share = % within year and form."
    within_nl = ("aandeel = % van de bekende waarden binnen jaar en vorm; onbekend is een "
                 "aantal buiten de noemer." if known_only else "aandeel = % binnen jaar en vorm.")
    return [
        make_table(by_form, f"figures/{number}", ("victims",),
                   f"{title_en}, per year and form of exploitation",
                   f"{title_nl}, per jaar en uitbuitingsvorm", source=SOURCE, shares=SHARE,
                   notes="Form after the hierarchy sexual > labour > criminal > unknown; "
                         + within,
                   notes_nl="Vorm na de hiërarchie seksueel > arbeid > crimineel > onbekend; "
                            + within_nl),
        make_table(total, f"figures/{number}_total", ("victims",),
                   f"{title_en}, per year", f"{title_nl}, per jaar", source=SOURCE,
                   shares=SHARE),
    ]


def _mean_age(group: str) -> str:
    """ROUND(AVG(age), 1) from the cube's sums (the same double division AVG does)."""
    n = "SUM(age_n)"
    return (f"CASE WHEN {n} > 0 THEN ROUND(CAST(SUM(age_sum) AS DOUBLE) / {n}, 1) END "
            f"AS mean_age, CAST({n} AS BIGINT) AS victims FROM {V} x GROUP BY {group}")


def figures_2_6_to_2_8(store: ResearchStore) -> list[TableSpec]:
    tables = _breakdown(store, "2.6", "sex", "sex_code", (*(s.code for s in c.SEXES), "unknown"),
                        "Sex of registered victims", "Geslacht van gemelde slachtoffers")
    tables += _breakdown(store, "2.7", "origin_region", "origin_region",
                         tuple(r.code for r in c.ORIGIN_REGIONS),
                         "Origin region of registered victims",
                         "Herkomstregio van gemelde slachtoffers")
    tables += _breakdown(store, "2.8", "age_group", "age_group",
                         tuple(a.code for a in c.AGE_GROUPS),
                         "Age group at report of registered victims",
                         "Leeftijdsgroep bij melding van gemelde slachtoffers",
                         known_only=True)
    top = store.rows("""
        SELECT year, rank, nationality, victims FROM (
          SELECT year, nationality, COUNT(*) AS victims,
                 ROW_NUMBER() OVER (PARTITION BY year ORDER BY COUNT(*) DESC, nationality)
                   AS rank
          FROM victim_year x WHERE NOT excluded AND nationality IS NOT NULL
          GROUP BY year, nationality) t
        WHERE rank <= 5 ORDER BY year, rank""")
    tables.append(make_table(top, "figures/2.7_nationalities", ("victims",),
                             "Five most reported nationalities per year",
                             "Vijf meest gemelde nationaliteiten per jaar", source=SOURCE,
                             notes="Dutch as one of two nationalities counts as Dutch (NL).",
                             notes_nl="Nederlands als een van twee nationaliteiten telt als "
                                      "Nederlands (NL)."))
    mean = store.rows(f"""
        SELECT year, form, mean_age, victims FROM (
          SELECT year, form, {_mean_age('year, form')}
          UNION ALL
          SELECT year, 'all' AS form, {_mean_age('year')}) m
        ORDER BY year, {_o('form', (*FORMS, 'all'))}""")
    n_age = sum(int(r["victims"] or 0) for r in mean if r["form"] == "all")
    tables.append(make_table(mean, "figures/2.8_mean_age", ("victims",),
                             "Mean age at report, per year and form (form 'all' = every form)",
                             "Gemiddelde leeftijd bij melding, per jaar en vorm",
                             source=SOURCE, shares={"mean_age": "victims"}, n=n_age,
                             notes="victims = victims with a known age.",
                             notes_nl="slachtoffers = slachtoffers met een bekende leeftijd."))
    return tables


def figure_2_9(store: ResearchStore) -> list[TableSpec]:
    sums = ", ".join(f"CAST(SUM({reporter_column(r)}) AS BIGINT) AS {reporter_column(r)}"
                     for r in REPORTERS)
    store.con.execute(f"CREATE OR REPLACE TEMP TABLE reporter_form AS "
                      f"SELECT year, form, {sums} FROM {V} x GROUP BY year, form")
    pairs = unpivot("reporter_form", ("year", "form"),
                    {reporter_column(r): r for r in REPORTERS}, "reporter", "reports")
    rows = store.rows(f"""
        SELECT year, form, reporter, reports, {share_sql('reports', 'year, form')} AS share
        FROM ({pairs}) p ORDER BY year, {_o('form', FORMS)}, {_o('reporter', REPORTERS)}""")
    n_reports = "CAST(SUM(reports) AS BIGINT)"
    total = store.rows(f"""
        SELECT year, reporter, {n_reports} AS reports, {share_sql(n_reports, 'year')} AS share
        FROM ({pairs}) p GROUP BY year, reporter ORDER BY year, {_o('reporter', REPORTERS)}""")
    shares = {"share": "reports"}
    return [
        make_table(rows, "figures/2.9", ("reports",),
                   "Reports of victims by reporter, per year and form",
                   "Meldingen van slachtoffers naar melder, per jaar en vorm", source=SOURCE,
                   shares=shares,
                   notes="A victim counts once per reporter per year; share = % within year "
                         "and form.",
                   notes_nl="Een slachtoffer telt één keer per melder per jaar; aandeel = % "
                            "binnen jaar en vorm."),
        make_table(total, "figures/2.9_total", ("reports",),
                   "Reports of victims by reporter, per year",
                   "Meldingen van slachtoffers naar melder, per jaar", source=SOURCE,
                   shares=shares),
    ]


def figure_2_10(store: ResearchStore) -> list[TableSpec]:
    sums = ", ".join(f"CAST(SUM({unit_column(u)}) AS BIGINT) AS {unit_column(u)}"
                     for u in UNITS)
    store.con.execute(f"CREATE OR REPLACE TEMP TABLE unit_form AS "
                      f"SELECT year, form, {sums} FROM {V} x GROUP BY year, form")
    pairs = unpivot("unit_form", ("year", "form"), {unit_column(u): u for u in UNITS},
                    "police_unit", "victims")
    rows = store.rows(f"""
        SELECT year, police_unit, {N} AS victims FROM ({pairs}) p
        GROUP BY year, police_unit ORDER BY year, {_o('police_unit', UNITS)}""")
    by_form = store.rows(f"""
        SELECT year, police_unit, form, victims FROM ({pairs}) p
        ORDER BY year, {_o('police_unit', UNITS)}, {_o('form', FORMS)}""")
    note = "A victim counts once per police unit per year (so more than in figure 2.9)."
    note_nl = ("Een slachtoffer telt één keer per politie-eenheid per jaar (dus vaker dan in "
               "figuur 2.9).")
    return [
        make_table(rows, "figures/2.10", ("victims",),
                   "Police reports of victims by police unit, per year",
                   "Politiemeldingen van slachtoffers naar politie-eenheid, per jaar",
                   source=SOURCE, notes=note, notes_nl=note_nl),
        make_table(by_form, "figures/2.10_form", ("victims",),
                   "Police reports of victims by police unit, per year and form",
                   "Politiemeldingen naar politie-eenheid, per jaar en vorm", source=SOURCE,
                   notes=note, notes_nl=note_nl),
    ]


def anonymous_reports(store: ResearchStore) -> list[TableSpec]:
    store.con.execute("""
        CREATE OR REPLACE TEMP TABLE anonymous_year AS
        SELECT CAST(EXTRACT(YEAR FROM report_date) AS INTEGER) AS year, reporter,
               COUNT(*) AS reports
        FROM reports WHERE COALESCE(anonymous, FALSE)
        GROUP BY CAST(EXTRACT(YEAR FROM report_date) AS INTEGER), reporter""")
    n = "CAST(SUM(reports) AS BIGINT)"
    rows = store.rows(f"SELECT year, {n} AS reports FROM anonymous_year a GROUP BY year "
                      "ORDER BY year")
    by_reporter = store.rows(f"""
        SELECT year, reporter, {n} AS reports, {share_sql(n, 'year')} AS share
        FROM anonymous_year a GROUP BY year, reporter
        ORDER BY year, {_o('reporter', REPORTERS)}""")
    note = ("Reports without consent: kept as anonymous reports, never registered as victims "
            "and in no other figure.")
    note_nl = ("Meldingen zonder toestemming: bewaard als anonieme melding, nooit als "
               "slachtoffer geregistreerd en in geen andere figuur.")
    return [
        make_table(rows, "anonymous_reports", ("reports",),
                   "Anonymous reports per year", "Anonieme meldingen per jaar", source=SOURCE,
                   notes=note, notes_nl=note_nl),
        make_table(by_reporter, "anonymous_reports_by_reporter", ("reports",),
                   "Anonymous reports per year and reporter",
                   "Anonieme meldingen per jaar en melder", source=SOURCE, notes=note,
                   notes_nl=note_nl,
                   shares={"share": "reports"}),
    ]


def registry_figures(store: ResearchStore, focus_year: int,
                     period: tuple[int, int] | None = None) -> list[TableSpec]:
    """Every registry figure (2.1-2.10 and the anonymous reports); figure 2.4a sums
    ``period`` (the yearly figures are cut to it by ``compute_monitor``)."""
    build_sector_cube(store)
    return [
        figure_2_1(store),
        *figure_2_2(store),
        *figure_2_3(store),
        *figure_2_4(store, focus_year, period),
        figure_2_5(store),
        *figures_2_6_to_2_8(store),
        *figure_2_9(store),
        *figure_2_10(store),
        *anonymous_reports(store),
    ]

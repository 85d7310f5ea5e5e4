"""The code lists of the report record (``docs/schema.md``) and of the monitor's
output, each code with its English and Dutch label.

One place: the validator, the synthetic world, the classification rules, the
report and the dashboard all read these tuples. A new code is a one-line diff.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """A stable code as stored in data, with its report wording in two languages."""

    code: str
    en: str
    nl: str

    def label(self, lang: str = "en") -> str:
        return self.nl if lang == "nl" else self.en


def codes(table: tuple[Code, ...]) -> frozenset[str]:
    """The set of valid codes of a table."""
    return frozenset(c.code for c in table)


def label(table: tuple[Code, ...], code: str | None, lang: str = "en") -> str:
    """The label of ``code`` in ``table``; unknown codes are shown as they are."""
    for c in table:
        if c.code == code:
            return c.label(lang)
    return "unknown" if code is None and lang == "en" else "onbekend" if code is None else code


# --- the report record (SCHEMA.md) ------------------------------------------------

REPORTERS: tuple[Code, ...] = (
    Code("police", "Police", "Politie"),
    Code("kmar", "Royal Netherlands Marechaussee (KMar)", "Koninklijke Marechaussee (KMar)"),
    Code("inspectie_szw", "Labour inspectorate (Inspectie SZW)", "Inspectie SZW / NLA"),
    Code("fairwork", "FairWork", "FairWork"),
    Code("care_coordinator", "Regional care coordinator", "Zorgcoördinator"),
    Code("other", "Other (shelters, NGOs, government, lawyers, private persons)", "Overig"),
)

#: Investigative reporters register a victim without consent (art. 273f Sr duty).
INVESTIGATIVE_REPORTERS: frozenset[str] = frozenset({"police", "kmar", "inspectie_szw"})

POLICE_UNITS: tuple[Code, ...] = (
    Code("noord-nederland", "Northern Netherlands", "Noord-Nederland"),
    Code("oost-nederland", "Eastern Netherlands", "Oost-Nederland"),
    Code("midden-nederland", "Central Netherlands", "Midden-Nederland"),
    Code("noord-holland", "North Holland", "Noord-Holland"),
    Code("amsterdam", "Amsterdam", "Amsterdam"),
    Code("den-haag", "The Hague", "Den Haag"),
    Code("rotterdam", "Rotterdam", "Rotterdam"),
    Code("zeeland-west-brabant", "Zeeland-West-Brabant", "Zeeland-West-Brabant"),
    Code("oost-brabant", "Eastern Brabant", "Oost-Brabant"),
    Code("limburg", "Limburg", "Limburg"),
    Code("landelijke-eenheid", "National unit", "Landelijke Eenheid"),
)

SEXES: tuple[Code, ...] = (
    Code("female", "Female", "Vrouw"),
    Code("male", "Male", "Man"),
    Code("other", "Other", "Anders"),
)

REPORTED_FORMS: tuple[Code, ...] = (
    Code("sexual", "Sexual exploitation", "Seksuele uitbuiting"),
    Code("labour", "Labour exploitation", "Arbeidsuitbuiting"),
    Code("criminal", "Criminal exploitation", "Criminele uitbuiting"),
    Code("organ", "Forced organ removal", "Gedwongen orgaanverwijdering"),
    Code("other", "Other exploitation", "Overige uitbuiting"),
    Code("unknown", "Unknown", "Onbekend"),
)

SEXUAL_SECTORS: tuple[Code, ...] = (
    Code("window", "Window prostitution", "Raamprostitutie"),
    Code("club_brothel", "Club or brothel", "Club/bordeel"),
    Code("private_house", "Private house", "Privéhuis"),
    Code("street", "Street prostitution", "Straatprostitutie"),
    Code("home", "Home prostitution", "Thuisprostitutie"),
    Code("escort_hotel", "Escort or hotel", "Escort/hotel"),
    Code("other", "Other (massage, webcam, ...)", "Overig (massage, webcam, ...)"),
)
#: Visible sectors are licensed and inspected; the rest are less visible.
VISIBLE_SEXUAL_SECTORS: frozenset[str] = frozenset({"window", "club_brothel", "private_house"})

LABOUR_SECTORS: tuple[Code, ...] = (
    Code("agriculture", "Agriculture", "Landbouw"),
    Code("horticulture", "Horticulture", "Tuinbouw"),
    Code("meat_processing", "Meat processing", "Vleesverwerking"),
    Code("manufacturing", "Manufacturing", "Industrie"),
    Code("construction", "Construction", "Bouw"),
    Code("logistics", "Logistics", "Logistiek"),
    Code("transport", "Transport", "Transport"),
    Code("retail", "Retail", "Detailhandel"),
    Code("horeca", "Hotels and restaurants", "Horeca"),
    Code("household", "Domestic work", "Huishoudelijk werk"),
    Code("cleaning", "Cleaning", "Schoonmaak"),
    Code("other_services", "Other services", "Overige dienstverlening"),
    Code("shipping", "Shipping", "Scheepvaart"),
    Code("other_work", "Other work", "Overig werk"),
)

CRIMINAL_MANNERS: tuple[Code, ...] = (
    Code("drugs", "Drug offences", "Drugsdelicten"),
    Code("property", "Property crime", "Vermogensdelicten"),
    Code("begging", "Forced begging", "Gedwongen bedelen"),
    Code("fraud", "Fraud", "Fraude"),
    Code("other", "Other", "Overig"),
)

CONSENT: tuple[Code, ...] = (Code("yes", "Yes", "Ja"), Code("no", "No", "Nee"))
YES_NO: tuple[Code, ...] = CONSENT

#: Fields that identify a person: never stored for anonymous reports, encrypted at
#: rest, and never across the boundary.
IDENTIFYING_FIELDS: tuple[str, ...] = (
    "family_name",
    "given_names",
    "birth_date",
    "birth_year",
    "bsn",
)

# --- derived in the research zone (the monitor's output codes) -----------------------

FORMS: tuple[Code, ...] = (
    Code("domestic_sexual", "Domestic sexual exploitation", "Binnenlandse seksuele uitbuiting"),
    Code(
        "cross_border_sexual",
        "Cross-border sexual exploitation",
        "Grensoverschrijdende seksuele uitbuiting",
    ),
    Code(
        "sexual_unknown",
        # Short: it sits in chart legends beside the other forms (nationality unknown).
        "Sexual exploitation, kind unknown",
        "Seksuele uitbuiting, soort onbekend",
    ),
    Code("labour", "Labour exploitation", "Arbeidsuitbuiting"),
    Code("criminal", "Criminal exploitation", "Criminele uitbuiting"),
    Code("unknown", "Other or unknown", "Overig of onbekend"),
)

AGE_GROUPS: tuple[Code, ...] = (
    Code("minor", "Minor (under 18)", "Minderjarig (<18)"),
    Code("adolescent", "Adolescent (18-22)", "Adolescent (18-22)"),
    Code("23_plus", "23 and older", "23 jaar en ouder"),
    Code("unknown", "Unknown", "Onbekend"),
)

ORIGIN_REGIONS: tuple[Code, ...] = (
    Code("netherlands", "The Netherlands", "Nederland"),
    Code("eu", "European Union (excl. NL)", "Europese Unie (excl. NL)"),
    Code("other_europe", "Other Europe", "Overig Europa"),
    Code("africa", "Africa", "Afrika"),
    Code("asia", "Asia", "Azië"),
    Code("latin_america", "Latin America", "Latijns-Amerika"),
    Code("other_unknown", "Other or unknown", "Overig of onbekend"),
)

# --- the linked sources (docs/data-flow.md §1) ---------------------------------------

#: Police offence codes ("feitcodes") of trafficking (seed 003, table B1.2).
TRAFFICKING_OFFENCE_CODES: tuple[Code, ...] = (
    Code("F5293", "Trafficking, general code (until 2017; form unknown)",
         "Mensenhandel (algemene code tot 2017; vorm onbekend)"),
    Code("F561", "Trafficking: sexual exploitation", "Mensenhandel seksuele uitbuiting"),
    Code("F562", "Trafficking: labour exploitation", "Mensenhandel arbeidsuitbuiting"),
    Code("F563", "Trafficking: exploitation in criminal activities",
         "Mensenhandel uitbuiting in strafbare activiteiten"),
    Code("F564", "Trafficking: forced organ removal", "Mensenhandel gedwongen orgaanverwijdering"),
    Code("F565", "Trafficking: other forms of exploitation",
         "Mensenhandel overige vormen van uitbuiting"),
)

OFFENCE_GROUPS: tuple[Code, ...] = (
    Code("trafficking", "Human trafficking", "Mensenhandel"),
    Code("sexual", "Sexual offences", "Zedendelicten"),
    Code("violence", "Violence (assault)", "Geweld (mishandeling)"),
    Code("homicide", "(Attempted) manslaughter or murder", "(Poging tot) doodslag of moord"),
    Code("property", "Property offences", "Vermogensdelicten"),
    Code("public_order", "Public order offences", "Delicten tegen de openbare orde"),
    Code("threat", "Threat", "Bedreiging"),
    Code("other", "Other offences", "Overige delicten"),
)

YOUTH_CARE_TYPES: tuple[Code, ...] = (
    Code("neighbourhood_team", "Neighbourhood team", "Wijk- of buurtteam"),
    Code("ambulant", "Ambulant care", "Ambulant"),
    Code("day_care", "Day care", "Daghulp"),
    Code("network", "In the young person's network", "Netwerk"),
    Code("foster_care", "Foster care", "Pleegzorg"),
    Code("family_style", "Family-style care", "Gezinsgericht"),
    Code("secure_placement", "Secure placement", "Gesloten plaatsing"),
    Code("other_residential", "Other residential care", "Overige jeugdhulp met verblijf"),
    Code("crisis", "Crisis stabilisation", "Stabilisatie crisissituatie"),
)

YOUTH_CARE_REFERRERS: tuple[Code, ...] = (
    Code("municipality", "Municipality", "Gemeente"),
    Code("gp", "General practitioner", "Huisarts"),
    Code("youth_doctor", "Youth doctor", "Jeugdarts"),
    Code("certified_institution", "Certified institution", "Gecertificeerde instelling"),
    Code("medical_specialist", "Medical specialist", "Medisch specialist"),
    Code("none", "None", "Geen"),
    Code("unknown", "Unknown", "Onbekend"),
)

YOUTH_CARE_END_REASONS: tuple[Code, ...] = (
    Code("to_plan", "Ended according to plan", "Beëindigd volgens plan"),
    Code("by_client", "Ended early by the client", "Voortijdig beëindigd door cliënt"),
    Code("by_provider", "Ended early by the provider", "Voortijdig beëindigd door aanbieder"),
    Code("other", "Other", "Overig"),
)

SHELTER_TYPES: tuple[Code, ...] = (
    Code("emergency_shelter", "Emergency shelter", "Spoedopvang"),
    Code("shelter", "Shelter", "Opvang"),
    Code("short_stay", "Short stay", "Kort verblijf"),
    Code("sheltered_housing", "Sheltered housing", "Beschermd wonen"),
    Code("other", "Other sheltered housing and shelter", "Overig beschermd wonen en opvang"),
)


# --- dimensions of the released tables -------------------------------------------------
# The values the research stages write into their tables' dimension columns, labelled
# for the report, the workbook and the dashboard (column name -> code list).

_TOTAL = Code("total", "Total", "Totaal")
_OTHER = Code("other", "Other", "Overig")
_UNKNOWN = Code("unknown", "Unknown", "Onbekend")

#: The hidden-number methods compared in the release (issue 16), their families and
#: what each assumes; codes are the method names of ``zicht estimate --method``.
ESTIMATE_METHODS: tuple[Code, ...] = (
    Code("main", "Log-linear, main effects", "Log-lineair, hoofdeffecten"),
    Code("stepwise", "Log-linear, stepwise per year", "Log-lineair, stapsgewijs per jaar"),
    Code("multiyear", "Multi-year log-linear model", "Meerjarig log-lineair model"),
    Code("rcapture-mth-chao", "Mth Chao (Rcapture)", "Mth Chao (Rcapture)"),
    Code("rcapture-mth-poisson2", "Mth Poisson2 (Rcapture)", "Mth Poisson2 (Rcapture)"),
    Code("rcapture-mth-darroch", "Mth Darroch (Rcapture)", "Mth Darroch (Rcapture)"),
    Code("rcapture-mh-darroch", "Mh Darroch (Rcapture)", "Mh Darroch (Rcapture)"),
    Code("lcmcr", "Latent classes (LCMCR)", "Latente klassen (LCMCR)"),
    Code("dga", "Model averaging over graphs (dga)", "Modelmiddeling over grafen (dga)"),
)
_MTH = ("lists differ and persons differ in visibility, the same on every list; ",
        "lijsten verschillen en personen verschillen in zichtbaarheid, op elke lijst gelijk; ")
METHOD_ASSUMPTIONS: tuple[Code, ...] = (
    Code("main", "lists independent given the stratum, everyone equally catchable",
         "lijsten onafhankelijk binnen het stratum, iedereen even vindbaar"),
    Code("stepwise", "dependence between lists is pairwise and seen in the observed "
         "overlaps; no unobserved heterogeneity",
         "afhankelijkheid tussen lijsten is paarsgewijs en zichtbaar in de overlap; geen "
         "onzichtbare heterogeniteit"),
    Code("multiyear", "one model over all years: list interactions shared by every year, "
         "each year its own list sizes; no unobserved heterogeneity",
         "één model over alle jaren: interacties tussen lijsten gedeeld door alle jaren, elk "
         "jaar eigen lijstgrootten; geen onzichtbare heterogeniteit"),
    Code("rcapture-mth-chao", _MTH[0] + "a lower bound: visibility of any shape (Chao)",
         _MTH[1] + "een ondergrens: zichtbaarheid van elke vorm (Chao)"),
    Code("rcapture-mth-poisson2", _MTH[0] + "visibility with a heavy right tail (Poisson2)",
         _MTH[1] + "zichtbaarheid met een zware rechterstaart (Poisson2)"),
    Code("rcapture-mth-darroch", _MTH[0] + "normal visibility on the logit scale (Darroch)",
         _MTH[1] + "normale zichtbaarheid op de logitschaal (Darroch)"),
    Code("rcapture-mh-darroch", "lists equally catchable, persons differ in visibility: "
         "normal on the logit scale (Darroch)",
         "lijsten even vindend, personen verschillen in zichtbaarheid: normaal op de "
         "logitschaal (Darroch)"),
    Code("lcmcr", "persons fall in latent classes; lists independent within a class",
         "personen vallen in latente klassen; lijsten onafhankelijk binnen een klasse"),
    Code("dga", "dependence is a decomposable graph; estimates averaged over graphs",
         "afhankelijkheid is een decomposeerbare graaf; schattingen gemiddeld over grafen"),
)

DIMENSION_LABELS: dict[str, tuple[Code, ...]] = {
    "visibility": (
        Code("visible", "Visible sectors", "Zichtbare sectoren"),
        Code("less_visible", "Less visible sectors", "Minder zichtbare sectoren"),
    ),
    "dublin_indication": (*YES_NO, Code("unknown", "Unknown", "Onbekend")),
    "series": (
        Code("reflection_offers", "Reflection period offered", "Bedenktijd aangeboden"),
        Code("temporary_decisions", "Temporary residence decisions",
             "Beslissingen tijdelijk verblijf"),
        Code("continued_decisions", "Continued residence decisions",
             "Beslissingen voortgezet verblijf"),
        Code("registered_foreign_victims", "Registered foreign victims",
             "Geregistreerde buitenlandse slachtoffers"),
        Code("victims", "Victims", "Slachtoffers"),
        Code("controls", "Controls", "Controlegroep"),
    ),
    "outcome": (Code("granted", "Granted", "Ingewilligd"),
                Code("rejected", "Rejected", "Afgewezen"), _OTHER),
    "ground": (
        Code("cooperation", "Cooperation with criminal proceedings",
             "Medewerking aan strafproces"),
        Code("prosecution", "Prosecution or conviction", "Vervolging of veroordeling"),
        Code("humanitarian", "Humanitarian grounds", "Humanitaire gronden"), _OTHER,
    ),
    "visitor_group": (
        Code("visitors", "Visitors with a trafficking question",
             "Bezoekers met een mensenhandelvraag"),
        Code("victims", "Victims themselves", "Zelf slachtoffer"),
        Code("sexual", "Victims of sexual exploitation", "Slachtoffers van seksuele uitbuiting"),
        Code("criminal", "Victims of criminal exploitation",
             "Slachtoffers van criminele uitbuiting"),
    ),
    "measure": (
        _TOTAL,
        Code("about_self", "Victim themselves", "Zelf slachtoffer"),
        Code("about_other", "About someone else", "Over iemand anders"),
        Code("minor", "Minor", "Minderjarig"),
        Code("sexual", "Sexual exploitation", "Seksuele uitbuiting"),
        Code("criminal", "Criminal exploitation", "Criminele uitbuiting"),
        Code("labour", "Labour exploitation", "Arbeidsuitbuiting"),
        Code("criminal_and_sexual", "Criminal and sexual exploitation",
             "Criminele en seksuele uitbuiting"),
        Code("still_unsafe", "Still in an unsafe situation", "Nog in een onveilige situatie"),
        Code("exploited_gt_1y", "Exploited for more than a year",
             "Langer dan een jaar uitgebuit"),
        Code("exploited_gt_5y", "Exploited for more than five years",
             "Langer dan vijf jaar uitgebuit"),
        Code("parents_exploiters", "Parent(s) as exploiters", "Ouder(s) als uitbuiter"),
        Code("several_perpetrators", "Several perpetrators", "Meerdere plegers"),
    ),
    "breakdown": (
        _TOTAL, Code("minor_adult", "Minor or adult", "Minder- of meerderjarig"),
        Code("sex", "Sex", "Geslacht"), Code("form", "Form", "Vorm"),
        Code("age_group", "Age group", "Leeftijdsgroep"),
        Code("not_linkable", "Not linkable", "Niet te koppelen"),
        # each victim's route (issue 15)
        Code("dublin", "Dublin indication", "Dublinindicatie"),
        Code("origin_region", "Origin region", "Herkomstregio"),
        Code("form_detail", "Form (domestic / cross-border)",
             "Vorm (binnenlands / grensoverschrijdend)"),
    ),
    "category": (
        _TOTAL, Code("minor", "Minor", "Minderjarig"), Code("adult", "Adult", "Meerderjarig"),
        *SEXES, *REPORTED_FORMS, *AGE_GROUPS, *FORMS[:2],
        Code("linked", "Linked", "Gekoppeld"),
        Code("person_not_in_register", "Not in the population register",
             "Niet in de basisregistratie personen"),
        Code("registrations_without_person_number", "Registrations without a person number",
             "Registraties zonder persoonsnummer"),
        # each victim's route (issue 15): Dublin indication and origin region
        *CONSENT, *(r for r in ORIGIN_REGIONS if r.code != "unknown"),
    ),
    "age": (Code("minor", "Minor", "Minderjarig"), Code("adult", "Adult", "Meerderjarig")),
    # Issue 14, "missing today": justice chain by agency, chat circumstances.
    "registering_agency": (
        Code("police", "Police", "Politie"),
        Code("nla", "Labour inspectorate (NLA)", "Nederlandse Arbeidsinspectie (NLA)"),
        Code("all", "All agencies", "Alle instanties"),
    ),
    "question": (
        Code("criminal_manner", "Manner of criminal exploitation",
             "Wijze van criminele uitbuiting"),
        Code("met_where", "Where victim and exploiter met",
             "Waar slachtoffer en uitbuiter elkaar ontmoetten"),
        Code("first_disclosure", "First time the victim tells anyone",
             "Eerste keer dat het slachtoffer het vertelt"),
    ),
    "answer": (
        *CRIMINAL_MANNERS[:4],
        Code("online", "Online", "Online"),
        Code("school_or_work", "School or work", "School of werk"),
        Code("neighbourhood", "Neighbourhood", "Buurt"),
        Code("family", "Family", "Familie"),
        Code("nightlife", "Nightlife", "Uitgaansleven"),
        Code("yes", "Yes", "Ja"), Code("no", "No", "Nee"),
        Code("other", "Other", "Overig"), Code("unknown", "Unknown", "Onbekend"),
    ),
    # aid/populations (issue 15): the study populations side by side and their measures
    "population": (Code("police", "Police-registered victims", "Door de politie geregistreerd"),
                   Code("registry", "Registered by the registration centre",
                        "Gemeld bij het registratiecentrum"),
                   Code("union", "Police or registration centre",
                        "Politie of registratiecentrum")),
    "aid": (Code("youth_care_minors", "Youth care (minors)", "Jeugdzorg (minderjarigen)"),
            Code("shelter", "Wmo shelter or protected housing",
                 "Wmo-opvang of beschermd wonen")),
    "group": (Code("victims", "Victims", "Slachtoffers"),
              Code("controls", "Control group", "Controlegroep"),
              Code("minor_domestic_sexual", "Minors in domestic sexual exploitation",
                   "Minderjarigen in binnenlandse seksuele uitbuiting"),
              Code("labour_criminal", "Labour or criminal exploitation",
                   "Arbeids- of criminele uitbuiting")),
    "method": ESTIMATE_METHODS,
    "assumes": METHOD_ASSUMPTIONS,
    "family": (Code("log-linear", "Log-linear", "Log-lineair"),
               Code("heterogeneity", "Heterogeneity (Rcapture)", "Heterogeniteit (Rcapture)"),
               Code("latent class", "Latent classes", "Latente klassen"),
               Code("model averaging", "Model averaging", "Modelmiddeling")),
    "chosen": (*ESTIMATE_METHODS,
               Code("median_of_credible", "Median of the credible methods",
                    "Mediaan van de geloofwaardige methoden"),
               Code("smoothed_median_of_credible",
                    "Median of the credible methods, smoothed across years",
                    "Mediaan van de geloofwaardige methoden, afgevlakt over de jaren"),
               Code("not_estimable", "Not estimable", "Niet te schatten")),
    "error": (Code("not_estimable", "the model fails the existence or identifiability check",
                   "het model voldoet niet aan de controle op bestaan of identificeerbaarheid"),
              Code("no_victims", "no registered victim in this group",
                   "geen geregistreerd slachtoffer in deze groep")),
    "youth_care": (
        Code("none", "No youth care", "Geen jeugdhulp"),
        Code("with_stay_only", "With stay only", "Alleen met verblijf"),
        Code("without_stay_only", "Without stay only", "Alleen zonder verblijf"),
        Code("with_and_without_stay", "With and without stay", "Met en zonder verblijf"),
    ),
    "care_type": (*YOUTH_CARE_TYPES,
                  Code("without_stay", "Without stay (any)", "Zonder verblijf (totaal)"),
                  Code("with_stay", "With stay (any)", "Met verblijf (totaal)")),
    "referrer": YOUTH_CARE_REFERRERS,
    "end_reason": YOUTH_CARE_END_REASONS,
    "shelter_type": SHELTER_TYPES,
    "offence_group": OFFENCE_GROUPS,
    "offence": (*OFFENCE_GROUPS[:3], Code("any_of_these", "Any of these", "Een van deze")),
    "revictimisation": (
        Code("none", "Not again", "Niet opnieuw"),
        Code("once", "Once", "Eenmaal"),
        Code("more_than_once", "More than once", "Meer dan eens"),
    ),
    "sexual_split": (Code("sexual", "Sexual", "Seksueel"),
                     Code("non_sexual", "Non-sexual", "Niet-seksueel"), _UNKNOWN),
    "row": (Code("stratum", "Stratum", "Stratum"),
            Code("sum of strata", "Sum of the strata", "Som van de strata"),
            Code("pooled", "Pooled", "Gepoold")),
}

"""Aid within one year after the end of the offence period, and the controls' year."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from linked_tiny import care, incident, person, write_extract

from zicht.research.linked import LinkedResult, LinkedSpec, run_linked
from zicht.research.store import open_extract


def _run(tmp_path: Path, control_window: str = "started") -> LinkedResult:
    end = date(2017, 6, 30)
    population = [person(f"V{i}", "female", 2002) for i in range(4)]
    population += [person(f"C{i:02d}", "female", 2002) for i in range(8)]
    incidents = [incident(f"i{i}", f"V{i}", "F561", date(2017, 1, 5), date(2017, 1, 1), end)
                 for i in range(4)]
    youth = [
        care("V0", date(2017, 6, 29)),  # before the end of the offence period: no
        care("V1", date(2017, 6, 30), with_stay=True, care_type="secure_placement",
             referrer="certified_institution"),  # on the end date: yes
        care("V2", date(2018, 6, 29), end_reason="by_client"),  # within the year: yes
        care("V3", date(2018, 7, 1)),  # after a year: no
        care("C00", date(2018, 1, 1), date(2019, 1, 5)),  # running into 2019: received
        care("C01", date(2018, 1, 1), date(2018, 12, 31)),  # ended in 2018: no
        care("C02", date(2019, 12, 31)),  # started in 2019: yes
        care("C03", date(2019, 1, 1), date(2019, 2, 1)),  # started in 2019: yes
    ]
    shelter = [{"person_pid": "V1", "start_date": date(2017, 8, 1),
                "end_date": date(2017, 9, 1), "shelter_type": "shelter"}]
    costs = [{"person_pid": "V1", "year": 2017, "mental_health_specialist_eur": 1000.0,
              "mental_health_basic_eur": 0.0, "total_eur": 1000.0},
             {"person_pid": "V1", "year": 2018, "mental_health_specialist_eur": 3000.0,
              "mental_health_basic_eur": 0.0, "total_eur": 3000.0},
             {"person_pid": "V2", "year": 2016, "mental_health_specialist_eur": 9999.0,
              "mental_health_basic_eur": 0.0, "total_eur": 9999.0}]
    store = open_extract(write_extract(tmp_path, population=population,
                                       police_incidents=incidents, youth_care=youth,
                                       wmo_shelter=shelter, health_costs=costs))
    try:
        return run_linked(store, LinkedSpec(controls_per_victim=2,
                                            control_window=control_window))
    finally:
        store.close()


def test_aid_windows_of_victims_and_controls(tmp_path: Path) -> None:
    result = _run(tmp_path)
    by_group = result.table("aid/youth_care_by_group")
    victims = by_group.row(breakdown="total", group="victims")
    controls = by_group.row(breakdown="total", group="controls")
    assert (victims["persons"], victims["persons_with"], victims["share"]) == (4, 2, 50.0)
    assert (controls["persons"], controls["persons_with"]) == (8, 2)  # C02 and C03
    fig31 = result.table("aid/youth_care")
    assert fig31.row(group="victims", youth_care="with_stay_only")["persons"] == 1
    assert fig31.row(group="victims", youth_care="without_stay_only")["persons"] == 1
    assert fig31.row(group="victims", youth_care="none")["persons"] == 2
    types = result.table("aid/youth_care_type")
    assert types.row(care_type="secure_placement", group="victims")["persons_with"] == 1
    assert types.row(care_type="secure_placement", group="victims")["persons"] == 2
    referrers = result.table("aid/youth_care_referrer")
    assert referrers.row(referrer="certified_institution", group="victims")["share"] == 50.0
    ends = result.table("aid/youth_care_end_reason")
    assert ends.row(end_reason="by_client", group="victims")["persons_with"] == 1
    shelter = result.table("aid/shelter").row(breakdown="total", group="victims")
    assert shelter["persons_with"] == 1


def test_costs_are_the_mean_of_the_covered_years(tmp_path: Path) -> None:
    costs = _run(tmp_path).table("aid/mental_health_costs")
    victims = costs.row(breakdown="total", group="victims")
    # end year 2017 and 2018, both covered (data hold 2016-2018): V1 = (1000 + 3000) / 2,
    # the three others 0 in both years; V2's 2016 cost is outside its years
    assert victims["persons"] == 4
    assert victims["mean_eur"] == round((2000 + 0 + 0 + 0) / 4)
    assert costs.row(breakdown="total", group="controls")["mean_eur"] == 0.0


def test_controls_can_count_aid_received_in_the_year(tmp_path: Path) -> None:
    table = _run(tmp_path, "received").table("aid/youth_care_by_group")
    controls = table.row(breakdown="total", group="controls")
    assert controls["persons_with"] == 3  # C00 (running into 2019), C02 and C03

"""The Part 107 practice exam question bank, written for Boston Drone School.

Questions follow the FAA Remote Pilot (UAG) knowledge test format: three choices, one correct,
grouped by the test's knowledge areas, each with an explanation citing what to study (14 CFR
part 107, the Remote Pilot study guide FAA-G-8082-22, the Aeronautical Information Manual).

`question_bank_seed()` is idempotent: questions are matched by a stable key and updated in place,
so running the demo seed twice neither duplicates nor loses anything.
"""

from django.db import transaction
from django.db.models import Q

from courses.models import Course
from lessons.models import ExamChoice, ExamQuestion, KnowledgeArea, PracticeExam

REG, AIR, WX, LP, OPS = (
    KnowledgeArea.REGULATIONS,
    KnowledgeArea.AIRSPACE,
    KnowledgeArea.WEATHER,
    KnowledgeArea.LOADING_AND_PERFORMANCE,
    KnowledgeArea.OPERATIONS,
)

# (key, area, question, (choice A, choice B, choice C), correct label, explanation)
QUESTIONS: list[tuple[str, str, str, tuple[str, str, str], str, str]] = [
    # -- regulations ------------------------------------------------------------------------------
    ("reg-max-altitude", REG,
     "Unless it stays within a 400-foot radius of a structure, what is the highest a small unmanned aircraft may fly?",
     ("400 feet above ground level", "500 feet above ground level", "400 feet above mean sea level"), "A",
     "14 CFR 107.51(b): no higher than 400 feet AGL, unless within a 400-foot radius of a structure and no more than "
     "400 feet above the structure's immediate uppermost limit."),
    ("reg-max-groundspeed", REG,
     "What is the maximum groundspeed allowed for a small unmanned aircraft?",
     ("87 knots (100 mph)", "100 knots (115 mph)", "87 mph (76 knots)"), "A",
     "14 CFR 107.51(a): the groundspeed may not exceed 87 knots (100 miles per hour)."),
    ("reg-min-visibility", REG,
     "What is the minimum flight visibility, as observed from the control station, for a Part 107 operation?",
     ("3 statute miles", "1 statute mile", "3 nautical miles"), "A",
     "14 CFR 107.51(c): minimum flight visibility from the location of the control station is 3 statute miles."),
    ("reg-cloud-clearance", REG,
     "What is the minimum distance a small unmanned aircraft must keep from clouds?",
     ("500 feet below and 2,000 feet horizontally", "1,000 feet below and 2,000 feet horizontally",
      "500 feet below and 1,000 feet horizontally"), "A",
     "14 CFR 107.51(d): at least 500 feet below the cloud and 2,000 feet horizontally from it."),
    ("reg-accident-report", REG,
     "A flight ends in an accident that causes a serious injury. Within how many days must the remote pilot report it "
     "to the FAA?",
     ("10 calendar days", "30 calendar days", "5 business days"), "A",
     "14 CFR 107.9: report within 10 calendar days any operation resulting in serious injury, loss of consciousness, "
     "or damage of more than $500 to property other than the small UA."),
    ("reg-small-ua-definition", REG,
     "Which aircraft qualifies as a 'small unmanned aircraft' under Part 107?",
     ("One weighing less than 55 pounds at takeoff, including everything on board or attached",
      "One weighing less than 55 kilograms at takeoff", "One weighing 55 pounds or less, not counting the payload"),
     "A",
     "14 CFR 107.3: a small unmanned aircraft weighs less than 55 pounds on takeoff, including everything that is on "
     "board or otherwise attached to the aircraft."),
    ("reg-recurrent-training", REG,
     "To keep exercising the privileges of a remote pilot certificate, recurrent training must have been completed "
     "within the preceding",
     ("24 calendar months", "12 calendar months", "36 calendar months"), "A",
     "14 CFR 107.65: the initial knowledge test or recurrent training must have been passed or completed within the "
     "previous 24 calendar months."),
    ("reg-minimum-age", REG,
     "What is the minimum age to be eligible for a remote pilot certificate with a small UAS rating?",
     ("16 years", "14 years", "18 years"), "A",
     "14 CFR 107.61(a): an applicant must be at least 16 years of age."),
    ("reg-alcohol-hours", REG,
     "How long after drinking an alcoholic beverage must a person wait before acting as remote pilot in command?",
     ("8 hours", "12 hours", "24 hours"), "A",
     "14 CFR 91.17, applied to small UAS by 107.27: no person may act as a crewmember within 8 hours after consuming "
     "any alcoholic beverage."),
    ("reg-alcohol-concentration", REG,
     "No person may act as a crewmember of a small UAS with a blood or breath alcohol concentration of",
     ("0.04 or greater", "0.08 or greater", "0.02 or greater"), "A",
     "14 CFR 91.17(a)(4), applied by 107.27: an alcohol concentration of 0.04 or greater in blood or breath is "
     "prohibited."),
    ("reg-night-operations", REG,
     "What is required to fly a small unmanned aircraft at night under Part 107 (without a waiver)?",
     ("Current knowledge (the updated test or recurrent training) and anti-collision lighting visible for at "
      "least 3 statute miles", "A certificate of waiver for each night flight",
      "A visual observer with night vision goggles"),
     "A",
     "14 CFR 107.29: night operations need a remote pilot who completed the updated initial test or recurrent "
     "training, and anti-collision lights visible for at least 3 statute miles with a flash rate sufficient to avoid "
     "a collision."),
    ("reg-civil-twilight", REG,
     "During civil twilight, a small unmanned aircraft must",
     ("Show anti-collision lighting visible for at least 3 statute miles", "Show position lights only",
      "Not be flown at all without a waiver"), "A",
     "14 CFR 107.29(c): operations during civil twilight require lighted anti-collision lighting visible for at least "
     "3 statute miles, unless the pilot reduces the intensity for safety."),
    ("reg-preflight-responsibility", REG,
     "Who is responsible for checking that the small UAS is in a condition for safe operation before each flight?",
     ("The remote pilot in command", "The aircraft manufacturer", "The visual observer"), "A",
     "14 CFR 107.15 and 107.49: the remote pilot in command must check the small UAS is in a condition for safe "
     "operation before each flight."),
    ("reg-moving-vehicle", REG,
     "Under Part 107, may a small unmanned aircraft be flown from a moving land vehicle?",
     ("Yes, but only over a sparsely populated area", "No, never without a waiver",
      "Yes, anywhere, as long as a visual observer rides along"), "A",
     "14 CFR 107.25: operation from a moving land or water-borne vehicle is allowed only over a sparsely populated "
     "area (and not to carry another person's property for compensation)."),
    ("reg-certificate-inspection", REG,
     "Upon request, a remote pilot must present the remote pilot certificate and identification to",
     ("The FAA, NTSB, TSA, or any federal, state or local law enforcement officer",
      "FAA inspectors only", "Any property owner near the operating area"), "A",
     "14 CFR 107.7(a): the certificate must be presented for inspection on request to the Administrator, the NTSB, "
     "TSA, or any federal, state or local law enforcement officer."),
    ("reg-address-change", REG,
     "After moving, a remote pilot may not exercise the certificate's privileges unless the FAA is notified of the new "
     "permanent mailing address within",
     ("30 days", "60 days", "10 days"), "A",
     "14 CFR 107.77: a certificate holder who changes permanent mailing address may not, after 30 days from the move, "
     "exercise the privileges of the certificate unless the FAA has been notified."),
    ("reg-hazardous-materials", REG,
     "Carrying hazardous materials on a small unmanned aircraft operating under Part 107 is",
     ("Prohibited", "Allowed within visual line of sight", "Allowed if the total weight stays under 55 pounds"), "A",
     "14 CFR 107.36: a small unmanned aircraft may not carry hazardous material."),
    ("reg-one-aircraft", REG,
     "Without a waiver, how many small unmanned aircraft may one person operate or act as remote pilot for at a time?",
     ("One", "Two, if both stay within visual line of sight", "Up to five in a swarm"), "A",
     "14 CFR 107.35: a person may not operate or act as remote pilot in command or visual observer for more than one "
     "unmanned aircraft at the same time."),
    # -- airspace ---------------------------------------------------------------------------------
    ("air-controlled-authorization", AIR,
     "Before flying in Class B, C or D airspace, or in the surface area of Class E airspace designated for an airport, "
     "a remote pilot must",
     ("Have prior authorization from ATC, for example through LAANC or FAADroneZone", "File a flight plan",
      "Call the airport manager only"), "A",
     "14 CFR 107.41: no operation in those airspaces unless the remote pilot has prior authorization from Air Traffic "
     "Control."),
    ("air-class-g", AIR,
     "In which airspace may a Part 107 flight below 400 feet AGL take place without ATC authorization?",
     ("Class G", "Class D", "Class C"), "A",
     "Class G is uncontrolled airspace; 107.41 requires ATC authorization only for Class B, C, D and surface-area "
     "Class E."),
    ("air-tfr-source", AIR,
     "Where does a remote pilot find temporary flight restrictions that affect a planned flight?",
     ("Notices to Air Missions (NOTAMs)", "The latest METAR", "The sectional chart legend"), "A",
     "Temporary flight restrictions are issued as NOTAMs; check them before every flight (107.49 preflight "
     "familiarization)."),
    ("air-class-d-depiction", AIR,
     "On a sectional chart, Class D airspace is shown by",
     ("A dashed blue line", "A solid magenta line", "A dashed magenta line"), "A",
     "Chart legend: Class B solid blue, Class C solid magenta, Class D dashed blue, Class E to the surface dashed "
     "magenta."),
    ("air-class-e-surface", AIR,
     "A dashed magenta line around an airport on a sectional chart means",
     ("Class E airspace starts at the surface there", "Class C airspace",
      "Class E airspace starts at 700 feet AGL"), "A",
     "A dashed magenta line marks Class E airspace beginning at the surface; a faded (vignetted) magenta band marks "
     "Class E beginning at 700 feet AGL."),
    ("air-class-b-depiction", AIR,
     "Class B airspace, such as Boston's around Logan International, is shown on a sectional chart by",
     ("Solid blue lines", "Solid magenta lines", "Dashed blue lines"), "A",
     "Class B airspace is outlined with solid blue lines, with the floor and ceiling of each shelf in hundreds of "
     "feet MSL."),
    ("air-military-training-route", AIR,
     "A military training route labelled with four digits, such as VR1207, is flown",
     ("At or below 1,500 feet AGL", "Above 1,500 feet AGL", "Only at night"), "A",
     "AIM 3-5-2: routes with four-digit numbers are flown entirely at or below 1,500 feet AGL; three-digit routes "
     "have one or more segments above 1,500 feet AGL."),
    ("air-restricted-area", AIR,
     "Before flying a small UA in a restricted area, the remote pilot needs",
     ("Permission from the controlling or using agency", "Nothing, as long as the flight stays below 400 feet AGL",
      "Only a check of the weather"), "A",
     "Restricted areas contain hazards such as artillery firing; flight inside them while active needs permission "
     "from the controlling agency (AIM 3-4-3)."),
    ("air-alert-area", AIR,
     "An alert area on a sectional chart marks airspace that contains",
     ("A high volume of pilot training or an unusual type of aerial activity",
      "Invisible hazards such as missile firing", "Areas where all flight is prohibited for national security"), "A",
     "AIM 3-4-6: alert areas contain a high volume of pilot training or unusual aerial activity; all pilots are "
     "responsible for collision avoidance there."),
    ("air-obstruction-numbers", AIR,
     "Next to an obstruction symbol the chart shows 1249 above (312). What do the numbers mean?",
     ("The top is 1,249 feet MSL and 312 feet AGL", "The top is 1,249 feet AGL and 312 feet MSL",
      "The obstruction is 1,249 feet from the airport and 312 feet tall"), "A",
     "Obstruction elevations: the upper figure is the top in feet MSL, the figure in parentheses is the height AGL."),
    ("air-maximum-elevation-figure", AIR,
     "The large numbers printed in each quadrangle of a sectional chart (maximum elevation figures) show",
     ("The highest known feature in the quadrangle plus a safety margin, in feet MSL",
      "The height AGL of the tallest tower", "The highest altitude a small UA may fly there"), "A",
     "The MEF is in thousands and hundreds of feet MSL and is based on the highest known feature plus an allowance."),
    # -- weather ----------------------------------------------------------------------------------
    ("wx-metar-wind", WX,
     "In the METAR KBOS 121854Z 24015G25KT 10SM FEW050 22/14 A3002, what is the wind?",
     ("From 240° true at 15 knots, gusting to 25 knots", "From 240° magnetic at 15 mph, gusting to 25 mph",
      "Towards 240° at 15 knots, gusting to 25 knots"), "A",
     "METAR winds give the direction the wind blows from, in degrees true, then speed and gusts in knots."),
    ("wx-metar-time", WX,
     "In the METAR KBOS 121854Z 24015G25KT 10SM FEW050 22/14 A3002, what does 121854Z mean?",
     ("The 12th day of the month at 18:54 UTC", "December, 18:54 local time", "12:18 local time, 54 minutes valid"),
     "A",
     "The date-time group is day of the month followed by the time in Coordinated Universal Time (Zulu)."),
    ("wx-metar-clouds", WX,
     "In the METAR KBOS 121854Z 24015G25KT 10SM FEW050 22/14 A3002, what does FEW050 report?",
     ("A few clouds with bases at 5,000 feet AGL", "Visibility of 5 miles in few clouds",
      "Few clouds with bases at 500 feet AGL"), "A",
     "Cloud heights in METARs are in hundreds of feet above ground level: 050 is 5,000 feet AGL."),
    ("wx-taf", WX,
     "What is a TAF?",
     ("A forecast for the area within 5 statute miles of an airport, usually for 24 or 30 hours",
      "A report of current conditions at an airport", "A report from a pilot in flight"), "A",
     "A Terminal Aerodrome Forecast covers a 5 statute mile radius around the airport, normally for 24 or 30 hours."),
    ("wx-dew-point-spread", WX,
     "The temperature and dew point are 4 °C apart and closing in the evening. What should a remote pilot expect?",
     ("Fog or low clouds", "Thunderstorms within the hour", "Clear skies with gusty winds"), "A",
     "When the temperature/dew point spread narrows, the air nears saturation and fog or low clouds are likely."),
    ("wx-thunderstorm-ingredients", WX,
     "Which three conditions are needed for a thunderstorm to form?",
     ("Sufficient moisture, an unstable lapse rate and a lifting action", "High pressure, stable air and moisture",
      "A warm front, a temperature inversion and wind shear"), "A",
     "Thunderstorms need water vapor, unstable air and an initial upward boost (fronts, terrain, heating)."),
    ("wx-microburst", WX,
     "How long does an individual microburst seldom last longer than?",
     ("15 minutes from the time it strikes the ground", "2 hours", "30 seconds"), "A",
     "Microbursts are intense, short-lived downdrafts; an individual microburst seldom lasts longer than 15 minutes."),
    ("wx-stable-air", WX,
     "Which are characteristics of a stable air mass?",
     ("Stratiform clouds, smooth air and restricted visibility", "Cumuliform clouds, turbulence and good visibility",
      "Showery precipitation and gusty winds"), "A",
     "Stable air resists vertical movement: layered clouds, smooth air, and haze or fog that limits visibility."),
    ("wx-temperature-inversion", WX,
     "What is a common result of a ground-based temperature inversion on a calm morning?",
     ("Smooth air with poor visibility from fog, haze or smoke", "Strong thunderstorms", "Severe turbulence"), "A",
     "An inversion traps pollutants and moisture under the warm layer: smooth air, poor visibility."),
    ("wx-cold-front", WX,
     "The passage of a cold front is usually marked by",
     ("A wind shift, a drop in temperature and possible showers or thunderstorms",
      "Steadily rising temperatures", "No change in wind direction"), "A",
     "Cold fronts bring a wind shift, falling temperature, rising pressure and often showers or storms along the "
     "front."),
    # -- loading and performance ------------------------------------------------------------------
    ("lp-center-of-gravity", LP,
     "A payload mounted off-center moves the center of gravity outside the manufacturer's limits. What can happen?",
     ("The aircraft can become unstable and hard or impossible to control", "It will fly faster and farther",
      "Battery use drops"), "A",
     "Operating outside center of gravity limits reduces stability and control authority; follow the manufacturer's "
     "loading limits."),
    ("lp-load-factor-60", LP,
     "What load factor does an aircraft experience in a level, coordinated turn at a 60° bank?",
     ("2 G", "1.5 G", "3 G"), "A",
     "In a level turn the load factor is 1/cos(bank): at 60° it is 2 G, so the aircraft must produce twice its "
     "weight in lift."),
    ("lp-added-weight", LP,
     "Adding weight to a small unmanned aircraft generally",
     ("Reduces flight time and climb performance", "Increases endurance", "Has no effect on performance"), "A",
     "More weight needs more thrust or lift, drawing more power: shorter endurance and reduced climb and agility."),
    ("lp-cold-battery", LP,
     "How does cold weather affect lithium-polymer flight batteries?",
     ("Capacity drops, so flight time is shorter", "Capacity rises, so flight time is longer", "It has no effect"),
     "A",
     "Cold raises a battery's internal resistance and lowers usable capacity; warm batteries before flight and land "
     "with a margin."),
    ("lp-critical-angle-of-attack", LP,
     "A fixed-wing small UA stalls when",
     ("The critical angle of attack is exceeded", "Its airspeed exceeds the never-exceed speed",
      "It descends below a set altitude"), "A",
     "A wing stalls whenever the critical angle of attack is exceeded, at any airspeed, attitude or weight."),
    ("lp-weight-balance-source", LP,
     "Where should a remote pilot look for the aircraft's weight and balance limits?",
     ("The manufacturer's operating manual or data", "The Chart Supplement", "The sectional chart"), "A",
     "Weight and balance limits come from the manufacturer; 107.49 requires the RPIC to ensure the aircraft is safe "
     "to fly with its load."),
    ("lp-density-altitude", LP,
     "Compared with a cool day at sea level, on a hot day at a high-elevation site a small UA will",
     ("Need more power to lift the same weight", "Need less power to lift the same weight",
      "Perform exactly the same"), "A",
     "High density altitude (hot, high, humid) means thinner air: propellers and wings produce less lift, so "
     "performance drops."),
    # -- operations -------------------------------------------------------------------------------
    ("ops-visual-line-of-sight", OPS,
     "How must the remote pilot in command or visual observer see the small unmanned aircraft?",
     ("With vision unaided by any device other than corrective lenses", "Through binoculars when it is far away",
      "On the first-person-view camera screen"), "A",
     "14 CFR 107.31: visual line of sight with vision unaided by any device other than corrective lenses."),
    ("ops-visual-observer", OPS,
     "What is a visual observer's job?",
     ("Help see and avoid other air traffic and hazards, in direct communication with the remote pilot",
      "Fly the aircraft when the remote pilot is busy", "Sign off the aircraft's maintenance"), "A",
     "14 CFR 107.33: the visual observer assists the remote pilot in seeing and avoiding hazards and must be able to "
     "communicate with the remote pilot."),
    ("ops-right-of-way", OPS,
     "A small unmanned aircraft must yield the right of way to",
     ("All other aircraft, airborne vehicles and launch and reentry vehicles", "Only manned airplanes",
      "Only aircraft in distress"), "A",
     "14 CFR 107.37: each small unmanned aircraft must yield the right of way to all aircraft, airborne vehicles and "
     "launch and reentry vehicles."),
    ("ops-lost-link", OPS,
     "Why should a lost-link procedure be set before flight?",
     ("So the aircraft behaves predictably, for example returning home, if the control link is lost",
      "So the aircraft keeps flying its last command indefinitely", "It is only needed at night"), "A",
     "A planned lost-link behavior (return-to-home at a safe altitude, hover, or land) keeps the flight predictable; "
     "check the return altitude clears obstacles."),
    ("ops-crew-resource-management", OPS,
     "Crew resource management is best described as",
     ("Using all available resources (people, equipment, information) to make safe decisions",
      "Assigning the most experienced crew member to fly every time", "A maintenance record-keeping system"), "A",
     "CRM is the effective use of all available resources to achieve a safe and efficient operation."),
    ("ops-imsafe", OPS,
     "The IMSAFE checklist helps a remote pilot evaluate",
     ("Personal fitness: illness, medication, stress, alcohol, fatigue and emotion", "The aircraft's airworthiness",
      "The weather along the route"), "A",
     "14 CFR 107.17 forbids flying with a known physical or mental condition that interferes with safe operation; "
     "IMSAFE is the self-check."),
    ("ops-invulnerability-antidote", OPS,
     "What is the antidote to the hazardous attitude of invulnerability?",
     ("It could happen to me.", "Not so fast. Think first.", "Follow the rules. They are usually right."), "A",
     "The five hazardous attitudes and antidotes: invulnerability, 'It could happen to me'; impulsivity, 'Not so "
     "fast'; anti-authority, 'Follow the rules'."),
    ("ops-category-1-over-people", OPS,
     "To fly over people under Category 1 of the operations-over-people rule, the small unmanned aircraft must",
     ("Weigh 0.55 pounds or less including everything attached, with no exposed rotating parts that would lacerate "
      "skin", "Weigh less than 55 pounds and carry a parachute", "Be flown only at night"), "A",
     "14 CFR 107.110 and 107.115: Category 1 aircraft weigh 0.55 pounds or less and have no exposed rotating parts "
     "that would lacerate human skin."),
    ("ops-ctaf", OPS,
     "Near a non-towered airport, which frequency should a remote pilot monitor to hear local traffic?",
     ("The Common Traffic Advisory Frequency (CTAF)", "The ATIS frequency", "The ground control frequency"), "A",
     "At non-towered airports pilots self-announce on the CTAF shown on the chart and in the Chart Supplement."),
    ("ops-traffic-pattern", OPS,
     "Unless the airport says otherwise, turns in an airport traffic pattern are made",
     ("To the left", "To the right", "In either direction, as the pilot prefers"), "A",
     "AIM 4-3-3: standard traffic patterns use left turns unless markings or publications specify right traffic."),
    ("ops-runway-numbers", OPS,
     "Runway 27 is aligned approximately with",
     ("270° magnetic", "27° true", "270° true"), "A",
     "Runway numbers are the magnetic heading rounded to the nearest 10°, with the last zero dropped."),
    ("ops-remote-id", OPS,
     "A drone with standard Remote ID must broadcast its identification and location",
     ("From takeoff to shutdown", "Only above 200 feet AGL", "Only inside controlled airspace"), "A",
     "14 CFR part 89: standard Remote ID broadcasts identity, location, altitude, velocity and control station "
     "location from takeoff to shutdown."),
    ("ops-crew-briefing", OPS,
     "Before flight, the remote pilot must make sure everyone directly taking part has been told about",
     ("Operating conditions, emergency and contingency procedures, roles, and potential hazards",
      "The aircraft's purchase price and insurance", "Only the planned flight time"), "A",
     "14 CFR 107.49(b): all persons directly participating are informed about operating conditions, emergency "
     "procedures, contingency procedures, roles and responsibilities, and potential hazards."),
]  # fmt: skip

# Correct answers are not always A on the test; choices are rotated per question so the key varies.
ROTATIONS = (0, 1, 2)


def _rotated(choices: tuple[str, str, str], correct: str, shift: int) -> tuple[list[tuple[str, str]], str]:
    """Relabel choices A/B/C after rotating them, returning (label, text) pairs and the new correct label."""
    labels = "ABC"
    texts = list(choices)
    correct_text = texts["ABC".index(correct)]
    texts = texts[shift:] + texts[:shift]
    return list(zip(labels, texts, strict=True)), labels[texts.index(correct_text)]


def part107_course() -> Course | None:
    """The Part 107 prep course if the school has one: a "Part 107 ... prep" title first, then any
    "Part 107" title, then the first course in a Part 107 category (an intro course may share it)."""
    for match in (
        Q(title__icontains="Part 107", title__iregex=r"prep|exam"),
        Q(title__icontains="Part 107"),
        Q(category__slug__icontains="part-107"),
    ):
        course = Course.objects.filter(match).order_by("pk").first()
        if course is not None:
            return course
    return None


@transaction.atomic
def question_bank_seed() -> dict[str, int]:
    """Create or update the practice exam bank and the Part 107 course's practice exam (idempotent).

    Returns counts: questions created, questions updated, exams created.
    """
    created = updated = 0
    for number, (key, area, text, choices, correct, explanation) in enumerate(QUESTIONS):
        question, was_created = ExamQuestion.objects.update_or_create(
            key=key, defaults={"area": area, "text": text, "explanation": explanation, "is_active": True}
        )
        created += was_created
        updated += not was_created
        labelled, correct_label = _rotated(choices, correct, ROTATIONS[number % 3])
        # Clear the old key first: the database allows only one correct choice per question.
        question.choices.exclude(label=correct_label).update(is_correct=False)
        for label, choice_text in labelled:
            ExamChoice.objects.update_or_create(
                question=question, label=label, defaults={"text": choice_text, "is_correct": label == correct_label}
            )
    exams_created = 0
    course = part107_course()
    if course is not None:
        _, exams_created = PracticeExam.objects.get_or_create(course=course)
    return {"created": created, "updated": updated, "exams_created": int(exams_created)}

"""The story behind ``manage.py seed_demo``: a fictional council's children's services plan.

Everything here is data. Dates are whole days relative to the day the command runs (negative
is in the past), so the demo always looks current: the plan started about 18 months ago and
ends about 12 months from now. ``seed_demo`` replays the story through the services in date
order, so every change lands in history with who, when and why.

Kestrelford Borough Council and Wrenmoor Council are invented; so is everybody named here.
"""

from dataclasses import dataclass, field

ORGANISATION = "Kestrelford Borough Council"
PLAN_NAME_PREFIX = "Children's Services Improvement Plan"
CLOSING_SUMMARY = (
    "Every milestone delivered and evidenced to the improvement board; the impact is now "
    "tracked in the quarterly performance report."
)

PLAN_SET_UP = -575  # the administrator builds the plan
PLAN_START = -548  # about 18 months ago
PLAN_END = 365  # about 12 months ahead
FIRST_OBJECTIVES_ADDED = -572  # the first theme's objectives; one day later for each theme after


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    job: str
    left: bool = False  # True: left three months ago (``devtools.demo.people``)


# Fictional owners, all in the Managers group. The demo users (admin, leader, manager) are
# defined in the command, because their passwords are printed.
PEOPLE = (
    Person("j.okafor", "Joy", "Okafor", "Head of Workforce and Practice Development"),
    Person("m.brennan", "Martin", "Brennan", "Head of Assessment and Safeguarding"),
    Person("c.donnelly", "Claire", "Donnelly", "Principal Social Worker", left=True),
    Person("r.singh", "Rajinder", "Singh", "Head of Children in Care"),
    Person("k.osei", "Kwame", "Osei", "Head of Edge of Care (now Youth Justice)"),
    Person("s.whitfield", "Sarah", "Whitfield", "Head of Sufficiency and Commissioning"),
    Person("d.adeyemi", "Dayo", "Adeyemi", "Head of Early Help"),
    Person("h.lowther", "Helen", "Lowther", "Virtual School Headteacher"),
    Person("p.mcallister", "Paul", "McAllister", "Head of Inclusion (now SEND Commissioning)"),
    Person("a.kowalski", "Anna", "Kowalski", "Safeguarding Partnership Business Manager"),
    Person("t.hussain", "Tariq", "Hussain", "Participation and Voice Lead"),
)


@dataclass(frozen=True)
class Step:
    """A dated change to a milestone, made on day ``at``."""

    kind: str  # "move" (re-forecast), "done" (completed on ``to``) or "rebaseline"
    at: int
    to: int
    reason: str = ""


def slip(at: int, to: int, reason: str) -> Step:
    """The owner re-forecasts the due date later, with the reason the service demands."""
    return Step("move", at, to, reason)


def pull(at: int, to: int, reason: str = "") -> Step:
    """The owner brings the due date forward."""
    return Step("move", at, to, reason)


def done(at: int, on: int | None = None) -> Step:
    """The owner records the milestone complete on day ``on`` (default: the day it is recorded)."""
    return Step("done", at, at if on is None else on)


def rebaseline(at: int, to: int, reason: str) -> Step:
    """An administrator agrees a new baseline date, with a reason."""
    return Step("rebaseline", at, to, reason)


@dataclass(frozen=True)
class MilestoneSpec:
    title: str
    due: int
    steps: tuple[Step, ...] = ()


def m(title: str, due: int, *steps: Step) -> MilestoneSpec:
    return MilestoneSpec(title, due, steps)


@dataclass(frozen=True)
class Handover:
    """An administrator moves the objective to another owner (``None``: nobody), with a reason."""

    at: int
    to: str | None
    reason: str


@dataclass(frozen=True)
class ObjectiveSpec:
    ref: str
    title: str
    description: str
    source: str
    owner: str | None
    target: int
    milestones: tuple[MilestoneSpec, ...]
    notes: tuple[str, ...]
    starts: int = PLAN_START
    added: int | None = None  # default: with the rest of its theme at set-up
    handovers: tuple[Handover, ...] = ()
    updates_from: int | None = None  # default: about four weeks after it starts
    updates_until: int = -3  # the owner stops reporting after this day (earlier: goes stale)
    quiet: tuple[int, int] | None = None  # days between which the owner sent no updates
    completed: int | None = None  # the day the owner marks the whole objective complete


@dataclass(frozen=True)
class ThemeSpec:
    name: str
    objectives: tuple[ObjectiveSpec, ...] = field(default_factory=tuple)


INSPECTION = "2016 inspection: "
PEER_CHALLENGE = "Peer challenge on children in care: "
JTAI = "Joint targeted inspection (neglect), 2017: "
MONITORING = "Monitoring visit letter: "
BOARD = "Improvement board review: "

THEMES = (
    ThemeSpec(
        "Stabilising the workforce",
        (
            ObjectiveSpec(
                ref="1.1",
                title="Recruit and keep permanent social workers so that agency staff are under "
                "15% of the establishment",
                description="A recruitment and retention offer that competes with neighbouring "
                "authorities: market supplements for child protection teams, an overseas "
                "recruitment campaign and a career pathway from newly qualified to team manager.",
                source=INSPECTION + "high turnover and reliance on agency social workers mean "
                "that too many children experience changes of social worker.",
                owner="j.okafor",
                target=180,
                milestones=(
                    m("Recruitment and retention strategy agreed by Cabinet", -480, done(-483)),
                    m(
                        "First overseas cohort of 12 social workers in post",
                        -330,
                        slip(
                            -345,
                            -260,
                            "Recruitment campaign delayed: the agency market in the region "
                            "pushed pay above our offer, so the overseas campaign was re-run "
                            "with the new market supplement. Visas for cohort 1 are now due "
                            "in ten weeks.",
                        ),
                        done(-262),
                    ),
                    m(
                        "Market supplement and retention payments in place for child "
                        "protection teams",
                        -240,
                        done(-244),
                    ),
                    m(
                        "Agency social workers below 20% of the establishment",
                        -45,
                        slip(
                            -60,
                            -5,
                            "Agency rate at 24% in the latest workforce return: three newly "
                            "qualified starters are held until ASYE places open.",
                        ),
                        slip(
                            -12,
                            50,
                            "Two experienced team managers resigned; their teams are covered "
                            "by agency staff while we recruit.",
                        ),
                    ),
                    m("Agency social workers below 15% of the establishment", 170),
                ),
                notes=(
                    "Recruitment and retention strategy out for consultation with staff.",
                    "Overseas campaign launched with the regional partnership.",
                    "Retention payments taken up by 41 social workers so far.",
                    "Agency rate reported monthly to the workforce board; exit interviews cite "
                    "workload and travel time as the main reasons for leaving.",
                ),
            ),
            ObjectiveSpec(
                ref="1.2",
                title="Bring caseloads down to a manageable level: an average of 18 or fewer "
                "children per social worker",
                description="Weighted caseloads agreed with staff and unions, a fourth "
                "assessment team, and a monthly caseload report to the improvement board.",
                source=INSPECTION + "caseloads in the assessment teams are too high for social "
                "workers to see children as often as their plans require.",
                owner="m.brennan",
                target=240,
                milestones=(
                    m("Caseload weighting tool agreed with staff and unions", -430, done(-435)),
                    m("Fourth assessment team established", -300, done(-300)),
                    m("Average caseload in assessment teams at or below 20", -120, done(-118)),
                    m("Quarterly caseload report to the improvement board", 20),
                    m(
                        "Average caseload in every team at or below 18",
                        200,
                        slip(
                            -150,
                            230,
                            "The fourth team will not be at full strength until the second "
                            "overseas cohort arrives.",
                        ),
                        rebaseline(
                            -148,
                            230,
                            "Improvement board agreed to phase the caseload target with the "
                            "recruitment of the fourth team.",
                        ),
                    ),
                ),
                notes=(
                    "Weighting tool being tested in two teams.",
                    "Fourth assessment team recruiting; caseloads reviewed weekly by team "
                    "managers.",
                    "Average caseload in assessment teams is 19.4, down from 24 at the start of "
                    "the plan.",
                ),
            ),
            ObjectiveSpec(
                ref="1.3",
                title="Embed one practice framework, with monthly reflective supervision for "
                "every social worker",
                description="A single, relationship-based practice framework across children's "
                "social care, with supervision policy, recording templates and an audit of "
                "supervision quality.",
                source=INSPECTION + "supervision is irregular and rarely reflective; it does "
                "not drive progress for children.",
                owner="c.donnelly",
                target=120,
                milestones=(
                    m("Practice framework launched with all social work teams", -420, done(-425)),
                    m(
                        "Supervision policy revised: monthly reflective supervision",
                        -330,
                        done(-320),
                    ),
                    m("Audit: 80% of supervision records meet the practice standard", 30),
                    m("Practice week and learning review", 100),
                ),
                notes=(
                    "Practice framework workshops delivered to 11 of 14 teams.",
                    "Supervision audit tool piloted in two teams.",
                    "Practice champions meet monthly.",
                ),
                updates_until=-65,
            ),
            ObjectiveSpec(
                ref="1.4",
                title="Open a social work academy for newly qualified social workers",
                description="An assessed and supported year in employment (ASYE) with protected "
                "caseloads, a dedicated practice educator and a university partner.",
                source=MONITORING + "newly qualified social workers carry complex cases too "
                "early and leave within two years.",
                owner="j.okafor",
                target=-100,
                milestones=(
                    m("Academy programme designed with the university partner", -470, done(-472)),
                    m("First cohort of 14 ASYE social workers start", -400, done(-398)),
                    m(
                        "Protected caseloads and a practice educator for each ASYE social worker",
                        -330,
                        done(-335),
                    ),
                    m(
                        "First cohort completes ASYE; retention reviewed",
                        -130,
                        slip(
                            -140,
                            -115,
                            "The university moved the assessment panel to its summer sitting.",
                        ),
                        done(-116),
                    ),
                ),
                notes=(
                    "Programme design agreed with the university partner.",
                    "First cohort in post with protected caseloads.",
                    "Practice educators report good progress at the mid-point review.",
                    "All 14 academy social workers still in post.",
                ),
                completed=-110,
            ),
        ),
    ),
    ThemeSpec(
        "Children looked after and going home",
        (
            ObjectiveSpec(
                ref="2.1",
                title='Give every child looked after who could return home a "going home" plan',
                description="Review every child placed with parents or with a realistic plan to "
                "return home; agree a going-home assessment framework with legal services; "
                "apply to discharge care orders where children are safely home.",
                source=PEER_CHALLENGE + "too many children remain on care orders at home for "
                "years without a plan to discharge the order.",
                owner="r.singh",
                target=200,
                milestones=(
                    m(
                        "Review of every child placed with parents under a care order",
                        -400,
                        done(-405),
                    ),
                    m(
                        "Going-home assessment framework agreed with legal services",
                        -200,
                        done(-150),
                    ),
                    m(
                        "Applications made to discharge care orders where children are safely home",
                        -60,
                        done(-62),
                    ),
                    m(
                        "Every child looked after has a reviewed permanence plan that considers "
                        "going home",
                        40,
                        slip(
                            -20,
                            60,
                            "Legal gateway panel capacity: two panels were cancelled this "
                            "month, so the last reviews move to the next sitting.",
                        ),
                    ),
                    m("Evaluation of the reunification support offer", 190),
                ),
                notes=(
                    "Review of children placed with parents under way.",
                    "38 children placed with parents reviewed; 12 applications to discharge "
                    "agreed.",
                    "Going-home plans tracked at the weekly permanence panel; a family support "
                    "worker is allocated to every reunification.",
                ),
            ),
            ObjectiveSpec(
                ref="2.2",
                title="Place more children close to home: fewer than 20% more than 20 miles away",
                description="A sufficiency strategy, a fostering recruitment campaign and "
                "placement stability work so children stay in their schools and communities.",
                source=PEER_CHALLENGE + "a high proportion of children in care live more than "
                "20 miles from home and move placement too often.",
                owner="r.singh",
                target=150,
                milestones=(
                    m("Placement sufficiency strategy published", -450, done(-452)),
                    m(
                        "Fostering campaign: 15 new fostering households approved",
                        -200,
                        slip(
                            -230,
                            -175,
                            "Fostering panel backlog after the panel chair resigned; a new "
                            "chair starts next month.",
                        ),
                        done(-176),
                    ),
                    m("Fewer than 20% of children placed more than 20 miles away", -20),
                    m(
                        "Fewer than 10% of children with three or more moves in a year",
                        140,
                    ),
                ),
                notes=(
                    "Sufficiency strategy drafted with foster carers and young people.",
                    "Five fostering households in assessment.",
                    "23% of children placed more than 20 miles away; stability meetings held for "
                    "every child at risk of a move.",
                ),
            ),
            ObjectiveSpec(
                ref="2.3",
                title="Strengthen independent reviewing officers' challenge and escalation",
                description="A revised escalation protocol, manageable IRO caseloads and an "
                "annual IRO report to the corporate parenting board.",
                source=INSPECTION + "independent reviewing officers do not challenge drift in "
                "children's plans effectively.",
                owner="r.singh",
                target=-30,
                milestones=(
                    m("IRO escalation protocol revised", -480, done(-480)),
                    m(
                        "IRO caseloads reduced to 65 or fewer",
                        -330,
                        slip(
                            -340,
                            -300,
                            "Two IRO vacancies unfilled after the first round of interviews.",
                        ),
                        done(-295),
                    ),
                    m("Annual IRO report to the corporate parenting board", -120, done(-125)),
                    m("Audit: 90% of escalations resolved within timescale", -60, done(-58)),
                ),
                notes=(
                    "Escalation protocol revised with IROs and team managers.",
                    "IRO recruitment under way.",
                    "Escalations logged and tracked monthly; IRO caseloads at 62 on average.",
                ),
                completed=-55,
            ),
        ),
    ),
    ThemeSpec(
        "Edge-of-care sufficiency",
        (
            ObjectiveSpec(
                ref="3.1",
                title="Open a No Wrong Door style hub for adolescents on the edge of care",
                description="One team, one building: short-break and emergency beds with an "
                "outreach team, a clinical psychologist and a speech and language therapist, "
                "so adolescents keep one trusted key worker.",
                source=PEER_CHALLENGE + "adolescents on the edge of care have too few "
                "alternatives to care and too many enter care in crisis.",
                owner="k.osei",
                target=300,
                handovers=(
                    Handover(
                        -210,
                        "s.whitfield",
                        "Kwame Osei moved to lead the youth justice service; the hub passes "
                        "to the Head of Sufficiency, who holds the capital programme.",
                    ),
                ),
                milestones=(
                    m("Business case for the hub approved by Cabinet", -430, done(-440)),
                    m("Hub building bought and refurbishment started", -300, done(-290)),
                    m(
                        "Hub team recruited: key workers, clinical psychologist, speech and "
                        "language therapist",
                        -120,
                        done(-110),
                    ),
                    m(
                        "Hub registered with Ofsted",
                        10,
                        slip(
                            -70,
                            17,
                            "Refurbishment contractor delayed the fire-safety works by a week.",
                        ),
                        slip(
                            -40,
                            27,
                            "The inspectorate rescheduled the registration visit.",
                        ),
                        slip(
                            -15,
                            34,
                            "The registered manager's fit person interview moved to the "
                            "following week.",
                        ),
                    ),
                    m("First young people supported by the hub's outreach team", 60),
                    m("Six-month evaluation of hub outcomes", 280),
                ),
                notes=(
                    "Business case being prepared with finance.",
                    "Refurbishment on budget.",
                    "Hub manager appointed and induction under way.",
                    "Referral pathway agreed with the front door and the edge-of-care panel.",
                ),
            ),
            ObjectiveSpec(
                ref="3.2",
                title="Commission a multi-systemic therapy (MST) team for families on the edge "
                "of care",
                description="A licensed MST team working intensively with families of young "
                "people aged 11 to 17 at risk of entering care.",
                source=PEER_CHALLENGE + "there is no evidence-based intensive family "
                "intervention for adolescents at risk of care.",
                owner="k.osei",
                target=210,
                handovers=(
                    Handover(
                        -210,
                        "manager",
                        "Kwame Osei moved to lead the youth justice service; MST passes to "
                        "the service manager for edge of care and early help.",
                    ),
                ),
                milestones=(
                    m("MST licence agreed and team manager appointed", -420, done(-418)),
                    m(
                        "MST therapists trained and first referrals accepted",
                        -300,
                        slip(
                            -310,
                            -280,
                            "The licence holder moved the therapists' training week.",
                        ),
                        done(-281),
                    ),
                    m("First 20 families complete MST", -15),
                    m(
                        "MST outcomes to the improvement board: 70% of young people still "
                        "living at home",
                        120,
                    ),
                ),
                notes=(
                    "Licence negotiations with the MST provider under way.",
                    "Four therapists in post, each working with four families.",
                    "Referrals from the edge-of-care panel steady at three a month; fidelity "
                    "scores above the licence threshold.",
                ),
            ),
            ObjectiveSpec(
                ref="3.3",
                title="Offer family group conferencing to every family on the edge of care",
                description="Family group conferences before any child becomes looked after "
                "and for every family entering pre-proceedings.",
                source=JTAI + "wider family networks are not identified early enough to "
                "support children experiencing neglect.",
                owner="manager",
                target=240,
                milestones=(
                    m(
                        "FGC service specification and coordinator posts approved",
                        -450,
                        done(-455),
                    ),
                    m("Three FGC coordinators in post", -360, done(-350)),
                    m("FGC offered to every family entering pre-proceedings", -180, done(-182)),
                    m(
                        "150 conferences held",
                        45,
                        slip(
                            -120,
                            60,
                            "One coordinator on long-term sick leave; conferences rebooked.",
                        ),
                        pull(-40, 30, "Coordinator back, and referrals ahead of the profile."),
                    ),
                    m("Independent evaluation of FGC outcomes", 230),
                ),
                notes=(
                    "Service specification agreed with commissioning.",
                    "Coordinators in post; first conferences held.",
                    "118 conferences held so far; 71% of families made a plan without proceedings.",
                ),
            ),
            ObjectiveSpec(
                ref="3.4",
                title="Open two new four-bed children's homes in the borough",
                description="In-borough residential places so children who need a home do not "
                "move away from family, school and friends.",
                source=PEER_CHALLENGE + "there is no in-borough residential provision and "
                "children are placed in costly homes far away.",
                owner="k.osei",
                target=200,
                handovers=(
                    Handover(
                        -210,
                        "s.whitfield",
                        "Kwame Osei moved to lead the youth justice service; the homes pass "
                        "to the Head of Sufficiency, who holds the capital programme.",
                    ),
                ),
                milestones=(
                    m("Sites identified and capital funding approved", -420, done(-425)),
                    m(
                        "First home registered with Ofsted",
                        -250,
                        slip(
                            -280,
                            -190,
                            "Planning objection from neighbours; the planning committee "
                            "deferred its decision.",
                        ),
                        rebaseline(
                            -200,
                            -190,
                            "Improvement board agreed a revised timetable for the first home "
                            "after the planning deferral.",
                        ),
                        done(-188),
                    ),
                    m("First children move into the first home", -150, done(-160)),
                    m(
                        "Planning permission granted for the second home",
                        -100,
                        slip(
                            -110,
                            -60,
                            "Planning committee deferred the second home pending a highways "
                            "survey.",
                        ),
                        done(-62),
                    ),
                    m(
                        "Second home registered with Ofsted",
                        150,
                        slip(
                            -45,
                            240,
                            "The build contractor went into administration; the works are "
                            "being re-tendered.",
                        ),
                    ),
                ),
                notes=(
                    "Sites being assessed with the property team.",
                    "First home full, with four children from the borough.",
                    "Registered manager for the second home recruited.",
                ),
            ),
        ),
    ),
    ThemeSpec(
        "Children in need and early help",
        (
            ObjectiveSpec(
                ref="4.1",
                title="Step children in need down to early help with a warm handover",
                description="A step-down protocol and weekly joint panel so families keep "
                "support when statutory involvement ends, and fewer are re-referred.",
                source=JTAI + "families are stepped down from children in need with no "
                "support in place and are soon re-referred.",
                owner="manager",
                target=150,
                milestones=(
                    m(
                        "Step-down protocol agreed between social care and early help",
                        -420,
                        done(-421),
                    ),
                    m("Joint step-down panel meeting weekly", -330, done(-330)),
                    m(
                        "Audit of 50 stepped-down cases: warm handover evidenced",
                        -150,
                        done(-140),
                    ),
                    m(
                        "Re-referrals within 12 months below 20%",
                        20,
                        slip(
                            -10,
                            41,
                            "Audit found re-referrals counted twice in the performance "
                            "report; waiting for corrected data.",
                        ),
                    ),
                    m("Step-down practice guidance refreshed with partners", 140),
                ),
                notes=(
                    "Protocol drafted with early help and social care managers.",
                    "Step-down panel considered 34 families this month.",
                    "Early help key worker named before every case closes; re-referral rate 21%, "
                    "down from 29%.",
                ),
            ),
            ObjectiveSpec(
                ref="4.2",
                title="One early help assessment and locality hubs across the borough",
                description="A single early help assessment used by every partner, with "
                "locality hubs where families get help without a referral to social care.",
                source=JTAI + "partners' early help assessments vary in quality and are not "
                "shared.",
                owner="manager",
                target=300,
                milestones=(
                    m("Single early help assessment live in the case system", -400, done(-402)),
                    m("North and South locality hubs open", -250, done(-252)),
                    m(
                        "300 partner practitioners trained to lead early help assessments",
                        -60,
                        done(-64),
                    ),
                    m("Central locality hub open", 70),
                    m("Early help outcomes framework reported quarterly", 280),
                ),
                notes=(
                    "Assessment form built in the case system.",
                    "North and South hubs open; footfall rising month on month.",
                    "Schools now lead 40% of early help assessments; central hub lease signed.",
                ),
            ),
            ObjectiveSpec(
                ref="4.3",
                title="Improve the quality of child in need plans",
                description="Plans with clear, measurable outcomes, reviewed every 12 weeks, "
                "with monthly audits of quality.",
                source=INSPECTION + "child in need plans lack clear outcomes and timescales, "
                "so families do not know what needs to change.",
                owner="d.adeyemi",
                target=180,
                milestones=(
                    m("Child in need plan template revised with SMART outcomes", -430, done(-431)),
                    m("Monthly audits of child in need plans begin", -320, done(-318)),
                    m("75% of audited child in need plans rated good or better", 30),
                    m("Child in need reviews chaired by team managers every 12 weeks", 170),
                ),
                notes=(
                    "New plan template tested with two teams.",
                    "Audit findings shared in team meetings.",
                    "62% of audited plans rated good or better.",
                ),
                updates_until=-60,
            ),
        ),
    ),
    ThemeSpec(
        "The virtual school",
        (
            ObjectiveSpec(
                ref="5.1",
                title="Trauma-informed training for every school that teaches a child in care",
                description="Attachment and trauma-informed training for staff in all 80 "
                "schools attended by children in care; 45 schools trained so far.",
                source=PEER_CHALLENGE + "schools do not understand the impact of trauma on "
                "children in care, which shows in exclusions and attendance.",
                owner="h.lowther",
                target=330,
                milestones=(
                    m(
                        "Training package commissioned with the educational psychology service",
                        -470,
                        done(-476),
                    ),
                    m("First 20 schools trained", -300, done(-305)),
                    m(
                        "45 schools trained",
                        -50,
                        slip(
                            -88,
                            -35,
                            "Two training days lost to trainer illness; rebooked for next "
                            "half term.",
                        ),
                        done(-40),
                    ),
                    m("65 schools trained", 90),
                    m("All 80 schools trained, with their mental health leads supported", 320),
                ),
                notes=(
                    "Training package being commissioned.",
                    "First schools trained; headteachers' feedback strongly positive.",
                    "45 schools trained so far; 12 more booked.",
                ),
            ),
            ObjectiveSpec(
                ref="5.2",
                title="Good personal education plans, on time, for every child in care",
                description="Electronic PEPs completed every term, with targets linked to pupil "
                "premium plus spending.",
                source=INSPECTION + "personal education plans are not completed on time and "
                "their targets are weak.",
                owner="h.lowther",
                target=200,
                milestones=(
                    m("Electronic PEP system launched", -430, done(-432)),
                    m(
                        "95% of PEPs completed within timescale",
                        -250,
                        slip(
                            -270,
                            -230,
                            "The autumn PEP window overlapped with the ePEP upgrade.",
                        ),
                        done(-228),
                    ),
                    m("PEP quality audit: 80% good or better", -20, done(-22)),
                    m("Pupil premium plus spending linked to PEP targets", 60),
                    m("Annual virtual school report to the corporate parenting board", 190),
                ),
                notes=(
                    "ePEP system being configured.",
                    "96% of PEPs completed in the summer term.",
                    "PEP quality audit shared with designated teachers; pupil premium plus panel "
                    "meets fortnightly.",
                ),
            ),
            ObjectiveSpec(
                ref="5.3",
                title="More care leavers in education, employment or training",
                description="Post-16 PEPs, ring-fenced apprenticeships and monthly tracking of "
                "young people not in education, employment or training.",
                source=PEER_CHALLENGE + "too many care leavers are not in education, "
                "employment or training.",
                owner="h.lowther",
                target=130,
                milestones=(
                    m("Post-16 PEP for every young person in years 12 and 13", -380, done(-385)),
                    m(
                        "Ten council apprenticeships ring-fenced for care leavers",
                        -200,
                        slip(
                            -210,
                            -175,
                            "HR approval of the ring-fence delayed until the next staffing "
                            "committee.",
                        ),
                        done(-177),
                    ),
                    m("NEET tracking shared monthly with the leaving care team", -80, done(-85)),
                    m("Over 60% of care leavers in education, employment or training", 120),
                ),
                notes=(
                    "Post-16 PEP template agreed with the colleges.",
                    "Eight apprenticeships filled.",
                    "57% of care leavers in education, employment or training; NEET tracker shared"
                    " with the leaving care team.",
                ),
                quiet=(-150, -88),
            ),
        ),
    ),
    ThemeSpec(
        "Reducing fixed-term exclusions",
        (
            ObjectiveSpec(
                ref="6.1",
                title="Cut fixed-term exclusions of children in care and children in need by a "
                "quarter",
                description="Weekly exclusions data for social workers and the virtual school, "
                "an inclusion charter with headteachers and a review of alternative provision.",
                source=PEER_CHALLENGE + "fixed-term exclusions of children in care are well "
                "above the national average.",
                owner="p.mcallister",
                target=-25,
                handovers=(
                    Handover(
                        -120,
                        "h.lowther",
                        "Restructure: inclusion moved under the virtual school headteacher; "
                        "Paul McAllister now leads SEND commissioning.",
                    ),
                ),
                milestones=(
                    m("Exclusions data shared weekly with the virtual school", -470, done(-470)),
                    m("Inclusion charter signed by every secondary headteacher", -300, done(-310)),
                    m("Alternative provision review completed", -150, done(-140)),
                    m(
                        "Fixed-term exclusions of children in care down 25% on the baseline year",
                        -60,
                        slip(
                            -100,
                            -40,
                            "Spring term figures skewed by two schools; waiting for validated "
                            "data.",
                        ),
                    ),
                ),
                notes=(
                    "Weekly exclusions data now reaches social workers.",
                    "Inclusion charter discussed at the headteachers' forum.",
                    "Two secondary schools account for half of all exclusions.",
                    "Exclusions of children in care down 14% on the baseline year.",
                ),
            ),
            ObjectiveSpec(
                ref="6.2",
                title="A managed moves protocol agreed with secondary headteachers",
                description="Added after the exclusions review: a fair, transparent protocol "
                "for managed moves, so children in care are not moved between schools "
                "without a plan. Milestones to be agreed with the headteachers' forum.",
                source=BOARD + "the exclusions review found informal managed moves used in "
                "place of exclusion.",
                owner="p.mcallister",
                target=270,
                starts=-80,
                added=-82,
                milestones=(),
                notes=(
                    "Draft protocol shared with the headteachers' forum.",
                    "Milestones to be agreed at the next forum meeting.",
                ),
            ),
        ),
    ),
    ThemeSpec(
        "Joint safeguarding arrangements",
        (
            ObjectiveSpec(
                ref="7.1",
                title="Publish joint safeguarding arrangements with Wrenmoor Council",
                description="One safeguarding partnership across both councils, the police and "
                "health, with an independent scrutineer.",
                source=JTAI + "partnership arrangements do not give leaders a shared view of "
                "the quality of practice.",
                owner="a.kowalski",
                target=-300,
                milestones=(
                    m(
                        "Joint partnership agreed by the statutory partners in both areas",
                        -480,
                        done(-482),
                    ),
                    m("Joint safeguarding arrangements published", -400, done(-395)),
                    m("Independent scrutineer appointed", -340, done(-345)),
                ),
                notes=(
                    "Partnership agreement drafted with Wrenmoor, the police and health.",
                    "Arrangements published on both councils' websites.",
                ),
                completed=-330,
            ),
            ObjectiveSpec(
                ref="7.2",
                title="Run a joint multi-agency audit programme with Wrenmoor",
                description="Quarterly themed audits of 20 cases in each area, with learning "
                "reported to both partnerships.",
                source=JTAI + "there is no multi-agency audit of practice with children "
                "experiencing neglect.",
                owner="a.kowalski",
                target=150,
                milestones=(
                    m("Joint audit method agreed with Wrenmoor", -420, done(-425)),
                    m("Audit 1: neglect (20 cases in each area)", -300, done(-298)),
                    m("Audit 2: domestic abuse and child protection", -180, done(-182)),
                    m("Audit 3: children missing education", -100, done(-72)),
                    m(
                        "Audit 4: child exploitation",
                        10,
                        slip(
                            -30,
                            24,
                            "The police analyst for the Wrenmoor cases is unavailable until "
                            "later in the month.",
                        ),
                    ),
                    m("Annual report of audit findings to both partnerships", 140),
                ),
                notes=(
                    "Joint audit method being agreed with Wrenmoor.",
                    "Health and police auditors trained in the joint method.",
                    "Audit findings presented to the partnership executive; learning briefings "
                    "sent to every team.",
                ),
            ),
            ObjectiveSpec(
                ref="7.3",
                title="A neglect strategy, with the graded care profile used in every neglect case",
                description="A partnership neglect strategy and training in the graded care "
                "profile for social workers, health visitors, school staff and police.",
                source=JTAI + "neglect is not recognised early and its cumulative harm is "
                "underestimated.",
                owner="m.brennan",
                target=100,
                milestones=(
                    m("Neglect strategy agreed by the partnership", -450, done(-452)),
                    m(
                        "Graded care profile training for 400 practitioners",
                        -250,
                        slip(
                            -260,
                            -230,
                            "Training venue unavailable; sessions moved online.",
                        ),
                        done(-231),
                    ),
                    m(
                        "Graded care profile used in 90% of neglect cases",
                        -30,
                        slip(
                            -190,
                            -16,
                            "The case system supplier delayed the graded care profile form.",
                        ),
                        done(-33),
                    ),
                    m("Re-audit of neglect cases with Wrenmoor", 80),
                ),
                notes=(
                    "Neglect strategy out for consultation with partners.",
                    "Neglect champions in every school cluster.",
                    "Graded care profile used in 92% of neglect cases this quarter.",
                ),
            ),
        ),
    ),
    ThemeSpec(
        'Engaging young people: "Bright Futures, Big Minds"',
        (
            ObjectiveSpec(
                ref="8.1",
                title='Launch "Bright Futures, Big Minds", the children in care council and '
                "its pledge",
                description="Young people design the brand and the pledge; the children in care "
                "council meets the Director every month.",
                source=PEER_CHALLENGE + "children in care have no effective voice in "
                "shaping services.",
                owner="t.hussain",
                target=-120,
                milestones=(
                    m(
                        'Young people co-design the "Bright Futures, Big Minds" brand and pledge',
                        -450,
                        done(-455),
                    ),
                    m(
                        "Children in care council meeting the Director monthly",
                        -360,
                        done(-360),
                    ),
                    m(
                        "Pledge adopted by Cabinet",
                        -240,
                        slip(-250, -200, "The Cabinet date moved because of the election period."),
                        done(-202),
                    ),
                    m('"Bright Futures, Big Minds" celebration event', -160, done(-158)),
                ),
                notes=(
                    "Young people designing the brand and the pledge.",
                    "22 young people attended the last council meeting.",
                    "Pledge adopted; celebration event being planned.",
                ),
                completed=-150,
            ),
            ObjectiveSpec(
                ref="8.2",
                title="Young inspectors: young people help audit services and recruit staff",
                description="Trained young inspectors visit children's homes and sit on every "
                "social work recruitment panel.",
                source=MONITORING + "young people's views do not yet influence how services "
                "are checked.",
                owner="t.hussain",
                target=200,
                starts=-400,
                added=-410,
                milestones=(
                    m("12 young inspectors recruited and trained", -300, done(-302)),
                    m("Young people on every social work recruitment panel", -180, done(-176)),
                    m("Young inspectors review two children's homes", 40),
                    m("Young inspectors' report to the corporate parenting board", 180),
                ),
                notes=(
                    "Young inspectors being recruited.",
                    "Young inspectors sat on nine recruitment panels.",
                    "Visits to the children's homes being planned.",
                ),
                updates_until=-75,
            ),
            ObjectiveSpec(
                ref="8.3",
                title="Refresh the local offer for care leavers with young people",
                description="Drafted after the improvement board's review; owner to be "
                "confirmed by the Director.",
                source=BOARD + "care leavers say the local offer is hard to find and out of date.",
                owner=None,
                target=240,
                starts=-40,
                added=-40,
                milestones=(
                    m("Care leavers consulted on the local offer", 60),
                    m("Revised local offer published", 180),
                ),
                notes=(),
            ),
        ),
    ),
)

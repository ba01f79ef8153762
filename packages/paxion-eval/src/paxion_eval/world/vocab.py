"""The synthetic world's vocabulary as data: object colours and shapes, the action inventory of each domain with its
texts, and the phrases of the NExT-QA-like questions.

An *action* is a motion `kind` (how the per-frame state evolves, see `dynamics.py`) plus a `member`: member 0 is the
canonical direction, member 1 is its time reversal, which is also its antonym. Static kinds (holding, showing) have
a single member 0, an antonym *text* (the official verb map: holding -> releasing) and no state change.
"""

from __future__ import annotations

from dataclasses import dataclass

#: name -> RGB in [0, 1]; vivid colours that stand out from the low-saturation backgrounds.
COLOURS: dict[str, tuple[float, float, float]] = {
    "red": (0.86, 0.12, 0.12),
    "green": (0.10, 0.68, 0.20),
    "blue": (0.12, 0.30, 0.90),
    "yellow": (0.95, 0.85, 0.10),
    "purple": (0.58, 0.20, 0.80),
    "orange": (0.98, 0.52, 0.08),
    "cyan": (0.10, 0.82, 0.86),
    "pink": (0.98, 0.45, 0.72),
}

#: object shapes; each is drawn two-tone: the half on its own +u axis (where it "points") darker, so that its
#: orientation, and a rotation, show in every 8-px patch it covers (a 2-px marker dot did not survive the tiny
#: backbones' patch tokens: rotation templates stayed at chance for every patcher).
SHAPES: tuple[str, ...] = ("circle", "square", "triangle", "diamond", "ring", "cross")

#: every object noun, "colour shape" (48 nouns).
NOUNS: tuple[str, ...] = tuple(f"{colour} {shape}" for shape in SHAPES for colour in COLOURS)

#: the second noun of "covering" actions (not an object noun: it is never shuffled or placed as a distractor).
CLOTH = "cloth"


@dataclass(frozen=True)
class PairSpec:
    """One antonym pair: the canonical direction (member 0) and its time reversal (member 1).

    ssv2:  SSv2-style templates, "something" marking each object placeholder (ActionBench-SSv2 spelling).
    ego4d: Ego4D-style narration bodies; "{0}" is the object, "{1}" the second object; "#C C " and "." are added.
    qa:    NExT-QA-style answer phrases (base form) and `qa_3sg` the same in the third person (for questions).
    cause: NExT-QA-style "why" answers, and `cause_family` the question family they answer (None: never asked).
    """

    kind: str
    ssv2: tuple[str, str] | None
    ego4d: tuple[str, str] | None
    qa: tuple[str, str] | None = None
    qa_3sg: tuple[str, str] | None = None
    cause: tuple[str, str] | None = None
    cause_family: str | None = None
    #: number of object placeholders in the texts (the second one is the landmark object of the scene)
    objects: int = 1
    #: whether the camera wearer's hand holds the main object in the Ego4D-like style
    hand: bool = True


@dataclass(frozen=True)
class StaticSpec:
    """A static action: no antonym video exists, only an antonym text (the official verb map), never salient."""

    kind: str
    ssv2: tuple[str, str] | None  # (template, antonym template)
    ego4d: tuple[str, str] | None  # (narration body, antonym narration body)
    qa: tuple[str, str] | None = None  # NExT-QA-style answer phrase (base form, third person)
    hand: bool = True


PAIRS: tuple[PairSpec, ...] = (
    PairSpec(
        "shift_x",
        ssv2=("Pushing something from left to right", "Pushing something from right to left"),
        ego4d=("slides the {0} to the right", "slides the {0} to the left"),
        qa=("move to the right", "move to the left"),
        qa_3sg=("moves to the right", "moves to the left"),
        cause=("it was pushed to the right", "it was pushed to the left"),
        cause_family="position",
    ),
    PairSpec(
        "shift_y",
        ssv2=("Moving something up", "Moving something down"),
        ego4d=("lifts the {0}", "lowers the {0}"),
        qa=("move up", "move down"),
        qa_3sg=("moves up", "moves down"),
        cause=("it was pushed up", "it was pushed down"),
        cause_family="position",
    ),
    PairSpec(
        "fall",
        ssv2=("Something falling like a rock", "Something rising like a rock"),
        ego4d=None,
    ),
    PairSpec(
        "zoom",
        ssv2=("Approaching something with your camera", "Moving away from something with your camera"),
        ego4d=("walks towards the {0}", "walks away from the {0}"),
        hand=False,
    ),
    PairSpec(
        "pan",
        ssv2=("Turning the camera left while filming something", "Turning the camera right while filming something"),
        ego4d=("turns left while looking at the {0}", "turns right while looking at the {0}"),
        hand=False,
    ),
    PairSpec(
        "rotate",
        ssv2=("Rotating something clockwise", "Rotating something counterclockwise"),
        ego4d=("turns the {0} clockwise", "turns the {0} counterclockwise"),
        qa=("rotate clockwise", "rotate counterclockwise"),
        qa_3sg=("rotates clockwise", "rotates counterclockwise"),
        cause=("it was turned clockwise", "it was turned counterclockwise"),
        cause_family="orientation",
    ),
    PairSpec(
        "spin",
        ssv2=("Spinning something that quickly stops spinning", "Spinning something that quickly starts spinning"),
        ego4d=None,
    ),
    PairSpec(
        "cover",
        ssv2=("Covering something with a cloth", "Uncovering something with a cloth"),
        ego4d=("covers the {0} with a cloth", "uncovers the {0} with a cloth"),
        hand=False,
    ),
    PairSpec(
        "approach",
        ssv2=("Moving something closer to something", "Moving something away from something"),
        ego4d=("pushes the {0} towards the {1}", "pushes the {0} away from the {1}"),
        qa=("move closer to the {1}", "move away from the {1}"),
        qa_3sg=("moves closer to the {1}", "moves away from the {1}"),
        cause=("it was pushed towards the {1}", "it was pushed away from the {1}"),
        cause_family="position",
        objects=2,
    ),
)

STATICS: tuple[StaticSpec, ...] = (
    StaticSpec(
        "hold",
        ssv2=("Holding something", "Releasing something"),
        ego4d=("holds the {0}", "releases the {0}"),
        qa=("stay still", "stays still"),
    ),
    StaticSpec(
        "show",
        ssv2=("Showing something to the camera", "Hiding something from the camera"),
        ego4d=None,
        hand=False,
    ),
)

PAIR_BY_KIND: dict[str, PairSpec] = {pair.kind: pair for pair in PAIRS}
STATIC_BY_KIND: dict[str, StaticSpec] = {static.kind: static for static in STATICS}

#: the question families of "why" questions in the NExT-QA-like set
CAUSE_QUESTIONS: dict[str, str] = {
    "position": "why does the {0} end up in a different place",
    "orientation": "why does the {0} end up facing a different way",
}

#: verb forms of the action texts: a single-frame pretraining caption must never contain one
ACTION_VERBS: frozenset[str] = frozenset(
    f"{stem}{ending}"
    for stem in ("push", "mov", "fall", "ris", "approach", "turn", "rotat", "spin", "stop", "start", "cover",
                 "uncover", "hold", "show", "releas", "hid", "slid", "lift", "lower", "walk", "film", "drop", "stay")
    for ending in ("", "e", "s", "es", "ed", "ing", "ning")
)


@dataclass(frozen=True)
class Action:
    """One action of one domain: the text of member `member` of `kind` and the text of its antonym."""

    domain: str
    kind: str
    member: int
    text: str  # SSv2: template with "something"; Ego4D: narration body with "{0}"/"{1}"
    antonym_text: str
    salient: bool  # state-change salient (False for static actions)
    objects: int  # number of object placeholders
    hand: bool

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.member}"


def domain_actions(domain: str) -> tuple[Action, ...]:
    """Every action of `domain` ("ssv2" or "ego4d"), paired actions first, in a fixed order."""
    if domain not in ("ssv2", "ego4d"):
        raise ValueError(f"unknown domain {domain!r}: expected 'ssv2' or 'ego4d'")
    actions: list[Action] = []
    for pair in PAIRS:
        texts = getattr(pair, domain)
        if texts is None:
            continue
        for member in (0, 1):
            actions.append(Action(domain, pair.kind, member, texts[member], texts[1 - member], True, pair.objects,
                                  pair.hand))
    for static in STATICS:
        texts = getattr(static, domain)
        if texts is not None:
            actions.append(Action(domain, static.kind, 0, texts[0], texts[1], False, 1, static.hand))
    return tuple(actions)


#: kinds the NExT-QA-like videos chain in two segments
QA_KINDS: tuple[str, ...] = ("shift_x", "shift_y", "rotate", "approach", "hold")

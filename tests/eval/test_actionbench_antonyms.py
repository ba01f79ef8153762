"""Action antonyms: the curated lexicon on SSv2 templates, Ego4D narrations and NExT-QA answers; tense, particles and
directions; the optional WordNet path through a stub with nltk's interface."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from paxion_eval.actionbench.antonyms import AntonymLexicon, WordNetAntonyms, action_antonym, load_wordnet

TEMPLATES = Path(__file__).parent / "data" / "ssv2_templates.txt"


@pytest.fixture(scope="module")
def lexicon() -> AntonymLexicon:
    """The shipped lexicon without WordNet, so results do not depend on whether nltk is installed."""
    return AntonymLexicon.load(wordnet=None)


def ssv2_templates() -> list[str]:
    return [line for line in TEMPLATES.read_text().splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pushing something from left to right", "Pulling something from right to left"),
        ("Pulling something out of something", "Pushing something into something"),
        ("Approaching something with your camera", "Moving away from something with your camera"),
        ("Moving something towards the camera", "Moving something away from the camera"),
        ("Moving something and something closer to each other", "Moving something and something away from each other"),
        ("Turning the camera left while filming something", "Turning the camera right while filming something"),
        ("Turning the camera downwards while filming something", "Turning the camera upwards while filming something"),
        ("Turning something upside down", "Turning something right side up"),
        ("Picking something up", "Putting something down"),
        ("Putting something on a surface", "Taking something off a surface"),
        ("Covering something with something", "Uncovering something with something"),
        ("Unfolding something", "Folding something"),
        ("Something falling like a rock", "Something rising like a rock"),
        ("Spinning something that quickly stops spinning", "Spinning something that quickly starts spinning"),
        ("Throwing something in the air and catching it", "Catching something in the air and throwing it"),
        ("Pretending to close something without actually closing it",
         "Pretending to open something without actually opening it"),
        ("Laying something on the table on its side, not upright",
         "Picking something up off the table on its side, not upright"),
    ],
)
def test_ssv2_templates(lexicon, text, expected):
    assert action_antonym(text, lexicon=lexicon) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pushing the box", "pulling the box"),
        ("C pushes the box", "C pulls the box"),
        ("C pushed the box", "C pulled the box"),
        ("push the box", "pull the box"),
        ("C is approaching the door", "C is moving away from the door"),
        ("C approaches the door", "C moves away from the door"),
        ("C took the cup", "C put the cup"),
        ("the cup was taken out of the box", "the cup was put into the box"),
        ("C opened the door and closed it", "C closed the door and opened it"),
    ],
)
def test_tense_is_kept(lexicon, text, expected):
    assert action_antonym(text, lexicon=lexicon) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#C C picks up the knife from the chopping board with her right hand.",
         "#C C puts down the knife from the chopping board with her right hand."),
        ("#C C puts the knife down.", "#C C picks the knife up."),
        ("#C C turns on the tap", "#C C turns off the tap"),
        ("#C C turns the tap off", "#C C turns the tap on"),
        ("#C C puts the cup in the sink", "#C C takes the cup out of the sink"),
        ("#C C plugs the charger in.", "#C C unplugs the charger."),
        ("#C C stands up", "#C C sits down"),
        ("#C C walks to the left.", "#C C walks to the right."),
        ("#C C rotates the wheel clockwise", "#C C rotates the wheel counterclockwise"),
    ],
)
def test_ego4d_particles_and_sides(lexicon, text, expected):
    assert action_antonym(text, lexicon=lexicon) == expected


@pytest.mark.parametrize(
    "text",
    [
        "#C C touches the phone with his left hand",  # a side before a noun is not a direction
        "#C C left the kitchen",  # "left" after the subject is the verb "leave"
        "#C C cuts the onion with a knife",  # a verb listed without antonym
        "Poking something in front of something",  # "in front of" is kept
        "Tearing something into two pieces",
        "#C C waters the plants",  # "plants" after a determiner is a noun
    ],
)
def test_no_antonym(lexicon, text):
    assert action_antonym(text, lexicon=lexicon) is None
    assert lexicon.rewrite(text).text is None


def test_rewrite_reports_verbs_without_antonym(lexicon):
    result = lexicon.rewrite("Poking something so that it spins around")
    assert result.text is None
    assert result.unmapped == ("poke", "spin")
    assert result.first_verb_end == len("Poking")


def test_keep_protects_object_names(lexicon):
    label = "Pushing right shoe up"
    assert action_antonym(label, lexicon=lexicon) == "Pulling right shoe down"
    assert action_antonym("Pushing drop bottle up", keep=["drop bottle"], lexicon=lexicon) == "Pulling drop bottle down"
    assert action_antonym("Pushing up", keep=["up"], lexicon=lexicon) == "Pulling up"


def test_verb_hint_restricts_the_change(lexicon):
    text = "Lifting something up completely, then letting it drop down"
    assert action_antonym(text, lexicon=lexicon) == "Putting something down completely, then letting it rise up"
    only_drop = "Lifting something down completely, then letting it rise up"  # directions still flip
    assert action_antonym(text, verb="drops", lexicon=lexicon) == only_drop


def test_ssv2_template_coverage(lexicon):
    """The lexicon covers most of the 174 SSv2 templates; the rest are static or have no sensible opposite."""
    templates = ssv2_templates()
    assert len(templates) == 174
    missing = sorted(t for t in templates if action_antonym(t, lexicon=lexicon) is None)
    verbs_of_missing = {lexicon.rewrite(t).unmapped[0] for t in missing}
    assert len(missing) == 20
    assert verbs_of_missing == {
        "collide", "deflect", "hit", "let", "move", "poke", "pretend", "roll", "tear", "tip", "touch",
    }


class _StubLemma:
    def __init__(self, name: str, antonyms: tuple[str, ...] = ()) -> None:
        self._name = name
        self._antonyms = antonyms

    def name(self) -> str:
        return self._name

    def antonyms(self) -> list[_StubLemma]:
        return [_StubLemma(a) for a in self._antonyms]


class _StubSynset:
    def __init__(self, *lemmas: _StubLemma) -> None:
        self._lemmas = lemmas

    def lemmas(self) -> list[_StubLemma]:
        return list(self._lemmas)


class StubWordNet:
    """nltk.corpus.wordnet's interface: synsets(word, pos) -> synsets with lemmas() -> name(), antonyms()."""

    VERB = "v"

    def __init__(self, synsets: dict[str, list[_StubSynset]]) -> None:
        self._synsets = synsets
        self.queries: list[tuple[str, str | None]] = []

    def synsets(self, word: str, pos: str | None = None) -> list[_StubSynset]:
        self.queries.append((word, pos))
        return self._synsets.get(word, []) if pos == self.VERB else []


@pytest.fixture
def stub_wordnet() -> StubWordNet:
    return StubWordNet(
        {
            # "yeet" is in no lexicon; its antonym comes from the second synset (multi-word, as WordNet's "switch_on")
            "yeet": [_StubSynset(_StubLemma("yeet")), _StubSynset(_StubLemma("yeet", ("hold_back",)))],
            # an antonym of a *synonym* in the same synset is not taken
            "glimpse": [_StubSynset(_StubLemma("glimpse"), _StubLemma("see", ("miss",)))],
            # verbs the lexicon decides must not be looked up; this entry would change "touch"
            "touch": [_StubSynset(_StubLemma("touch", ("release",)))],
        }
    )


def test_wordnet_fallback_with_stub(stub_wordnet):
    lexicon = AntonymLexicon.load(wordnet=stub_wordnet)
    assert lexicon.wordnet is not None
    result = lexicon.rewrite("C yeets the ball")
    assert result.text == "C holds back the ball"
    assert result.sources == {"wordnet"}
    assert action_antonym("yeeting the ball", lexicon=lexicon) == "holding back the ball"
    assert action_antonym("C glimpses the ball", lexicon=lexicon) is None
    assert action_antonym("Touching something", lexicon=lexicon) is None  # listed without antonym: WordNet not asked
    assert ("touch", "v") not in stub_wordnet.queries
    assert action_antonym("Pushing something", lexicon=lexicon) == "Pulling something"  # the lexicon comes first


def test_wordnet_adapter_caches(stub_wordnet):
    adapter = WordNetAntonyms(stub_wordnet)
    assert adapter.verb_antonym("yeet") == "hold back"
    assert adapter.verb_antonym("yeet") == "hold back"
    assert stub_wordnet.queries.count(("yeet", "v")) == 1
    assert adapter.verb_antonym("blorp") is None


def test_lexicon_validation(tmp_path):
    with pytest.raises(ValueError, match="both in 'verbs' and 'verbs_without_antonym'"):
        AntonymLexicon.load({"verbs": {"push": "pull"}, "verbs_without_antonym": ["push"]}, wordnet=None)
    with pytest.raises(ValueError, match="map to themselves"):
        AntonymLexicon.load({"verbs": {"push": "push"}}, wordnet=None)
    with pytest.raises(ValueError, match="needs a verb and a particle"):
        AntonymLexicon.load({"phrasal_verbs": {"pick": "put"}}, wordnet=None)
    broken = tmp_path / "lexicon.json"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match="lexicon.json"):
        AntonymLexicon.load(broken, wordnet=None)


def test_custom_lexicon_mapping():
    lexicon = AntonymLexicon.load({"verbs": {"zoom": "unzoom"}, "directions": {"in": "out"}}, wordnet=None)
    assert action_antonym("Zooming in", lexicon=lexicon) == "Unzooming out"
    assert action_antonym("Pushing something", lexicon=lexicon) is None


class _MissingDataWordNet:
    VERB = "v"

    def synsets(self, word: str, pos: str | None = None) -> list:
        raise LookupError("Resource wordnet not found.")


def _fake_nltk(monkeypatch: pytest.MonkeyPatch, wordnet: object) -> None:
    nltk = types.ModuleType("nltk")
    corpus = types.ModuleType("nltk.corpus")
    corpus.wordnet = wordnet
    nltk.corpus = corpus
    monkeypatch.setitem(sys.modules, "nltk", nltk)
    monkeypatch.setitem(sys.modules, "nltk.corpus", corpus)


def test_wordnet_is_detected_at_runtime(monkeypatch, stub_wordnet):
    monkeypatch.setitem(sys.modules, "nltk", None)  # nltk not installed
    assert load_wordnet() is None
    assert AntonymLexicon.load(wordnet="auto").wordnet is None
    _fake_nltk(monkeypatch, _MissingDataWordNet())  # nltk installed, WordNet data not downloaded
    assert load_wordnet() is None
    _fake_nltk(monkeypatch, stub_wordnet)
    assert load_wordnet() is stub_wordnet
    lexicon = AntonymLexicon.load(wordnet="auto")
    assert action_antonym("C yeets the ball", lexicon=lexicon) == "C holds back the ball"

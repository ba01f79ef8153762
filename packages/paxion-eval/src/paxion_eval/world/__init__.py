"""The synthetic action world: a seeded, cached generator of real mp4 videos and annotation files in the official
Paxion formats (DESIGN §4-§5), sized by a scale knob (`ci`, `default`, `large`; see `config.SCALES`).

    info = generate_world("worlds/", scale="ci", seed=0)      # -> WorldInfo(root=worlds/ci-<hash16>/, ...)
    info.path("ssv2/train")                                    # ActionBench-SSv2 train.json
    paxion world --scale ci --out worlds/                      # the same from the command line

The world is written to `<out_dir>/<scale>-<first 16 hex of the content hash>/`; the hash is sha256 over
(generator version, full configuration, seed), so a second call with the same arguments is a cache hit. Every file
below is deterministic given (version, configuration, seed) (`world.json` holds no time stamps).

What makes the paper's phenomenon appear, and why (DESIGN §5):
- 48 object nouns ("red circle", ... 8 colours x 6 shapes, each two-tone: the half it points to darker), drawn in every
  frame, plus 1-3 distractor objects, on procedurally textured backgrounds; two visual styles (SSv2-like tabletop
  textures with drop shadows; Ego4D-like wood/room views with the wearer's hand, head-camera shake and a vignette).
- Actions come in antonym pairs whose time reversal is the antonym (`vocab.PAIRS`): left<->right, up<->down,
  falling<->rising, approaching<->moving away (camera zoom), camera turning left<->right (pan), rotating clockwise
  <->counterclockwise, spinning that stops<->starts, covering<->uncovering, moving closer to<->away from an object;
  plus static actions (holding, showing) that are not state-change salient (`vocab.STATICS`).
- Member 1 of a pair is member 0's sampled trajectory reversed in time and nothing else in the scene depends on the
  member, so both members have the same per-frame distribution: only frame order reveals the direction.

Layout of a world folder (paths relative to it; logical names of `WorldInfo.files` in brackets):

world.json [manifest]
    {"generator_version", "content_hash", "scale", "seed", "config", "files": {name: path}, "counts": {name: n}}.

datasets/SSv2/video_clips/clips_downsampled_5fps_downsized_{S}x{S}/<id>.mp4 [ssv2/videos]
datasets/Ego4D/video_clips/clips_downsampled_5fps_downsized_{S}x{S}/<clip_uid>.mp4 [ego4d/videos]
datasets/NextQA/video_clips/NExTVideo_downsampled_5fps_downsized_{S}x{S}/<folder>/<video>.mp4 [nextqa/videos]
    MPEG-4 Part 2 (setting `codec`; "libx264" also works) yuv420p, S x S pixels (S = `image_size`, 32), 5 fps,
    every frame an intra frame (so coding artefacts never depend on frame order).
    An SSv2-like clip holds one action in 8-16 frames, a NExT-QA-like clip two actions in 12-16 frames; an
    Ego4D-like clip file holds one action in 8-16 frames plus 0-2 static frames before and after it.

ActionBench/ssv2/shuffled_object_and_action_antonyms/ (the official ActionBench-SSv2 folder)
    labels.json [ssv2/labels]              {template: "index"} over the SSv2-like templates.
    train.json [ssv2/train], validation.json [ssv2/validation]
        JSON list of {"label": "Pushing red circle from left to right", "template": "Pushing something from left
        to right", "placeholders": ["red circle"], "template_action_antonym_clip_text": "Pushing something from
        right to left", "label_action_antonym_clip_text": "Pushing red circle from right to left", "id": 17,
        "label_object_shuffled_clip_text": "pushing blue ring from left to right"} (official spelling: label
        capitalised, template without brackets, object-shuffled text lower case; the replacement object is not
        in the clip). Video: <id>.mp4.
    train_antonym.json [ssv2/train_antonym]  the train records that have an antonym (all of them; the official
        loader reads train antonyms from this file).
    test-answers.csv [ssv2/test]           ';'-separated, header `id;template;template_action_antonym_clip_text`.
    state_change_heavy_instance_filtering_{train,val}.json [ssv2/salience_{train,val}]
        The state-change salience flags, official format: {"<id>": {"clip_uid": <id>, "if_keep": true|false}};
        true for paired (dynamic) actions, false for static ones.

ActionBench/ego4d/egoclip_subset_action_antonyms_train_val_test_split/
    {train,val,test}.jsonl [ego4d/{split}]  one record per line: {"video_uid", "video_dur", "narration_source":
        "narration_pass_1", "narration_ind", "narration_time", "clip_start", "clip_end", "clip_text": "#C C slides
        the red circle to the right.", "action_antonym_clip_text": "#C C slides the red circle to the left.",
        "tag_verb": "[6]", "tag_noun": "[0]" (indices into the sorted narration verbs and into NOUNS + ["cloth"]),
        "clip_uid", "narration_relative_time", "clip_relative_start", "clip_relative_end", "clip_fps": 5.0,
        "object_shuffled_clip_text"}. The narrated frames of <clip_uid>.mp4 are int(clip_relative_start * fps)
        .. int(clip_relative_end * fps) (times sit 0.2 frame after a frame, so the truncation is exact).
    state_change_heavy_instance_filtering_{train,val,test}.json [ego4d/salience_{split}]
        official format: {"<clip_uid>__<clip_relative_start>__<clip_relative_end>": {"clip_uid", ..., "if_keep"}}
        with the times written by Python's str(float).
ActionBench/ego4d/egoclip_subset_action_antonyms_object_shuffled_train_val_test_split/{val,test}.jsonl
    [ego4d/object_shuffled_{split}]  the same records (official object-replacement folder).

datasets/SSv2/ssv2_label_ssv2_template/ (the official SSv2 retrieval files, SSv2-like clips)
    ssv2_ret_label_{train,val_small}.json [retrieval/label_{train,val}]
        [{"video": ["<id>.webm"], "caption": "pushing red circle from left to right"}]; the val set holds one video
        per caption. The official files name the source .webm; the clip is <id>.mp4 in the SSv2 video folder.
    ssv2_ret_template_{train,val_small}.json [retrieval/template_{train,val}]
        [{"video": ["<id>.webm", ...], "caption": "Pushing [something] from left to right"}] (the same videos;
        "[something]" is always lower case, also first in a sentence).
datasets/Temporal/ann/val-v1.0-2.4k.csv [temporal/val]
    CSV `,index,video_id,text,dataset`: SSv2-like val clips of the 18 paired templates (order-dependent meaning),
    `temporal_videos_per_text` each, text with brackets, dataset "SSv2".

datasets/NextQA/ann/nextqa/{train,val,test}.csv [nextqa/{split}]
    CSV `video,frame_count,width,height,question,answer,qid,type,a0,a1,a2,a3,a4`: 5 candidates, `answer` the
    index of the right one, `type` a NExT-QA code: CH "how does the X move", CW "why does the X end up in a
    different place / facing a different way", TN "what does the X do after it ...", TP "... before it ...",
    TC "... at the beginning/end of the video", DC "how many objects are there", DL "where is the Y",
    DO "what color is the <shape>".
datasets/NextQA/ann/nextqa_action_antonym/{train,val,test}.csv [nextqa_antonym/{split}]
    the same plus `action_antonym_choices`: a Python list literal of the antonyms of the candidates that have one.
datasets/NextQA/ann/{nextqa,nextqa_action_antonym}/map_vid_vidorID.json [nextqa/map, nextqa_antonym/map]
    {"<video>": "<folder>/<video>"}: the clip is <folder>/<video>.mp4 in the NExT-QA video folder.
datasets/NextQA/ann/atp_hard_val_ids.txt [nextqa/atp_hard]
    The hard C/T subset of val (the ATP-hard analogue) as sample ids "<video>_<qid>", one per line. A C/T question
    is hard when the time reversal (antonym) of its answer is among the candidates, so no frame, nor any unordered
    set of frames, can tell the answer from it.
datasets/NextQA/ann/atp-hard-ct4.txt [nextqa/atp_hard_rows]
    The same subset in ATP's own release format: 0-based row indices into val.csv, one per line.

pretrain/pretrain.jsonl [pretrain]
    Single-frame pretraining captions for the tiny backbones, one JSON object per line: {"domain": "ssv2"|"ego4d",
    "video_id", "video": <path of the mp4 relative to the world root>, "frame_index": <0-based decoded frame>,
    "caption": "large red circle pointing up left of blue square"}. Drawn from the train clips of both domains
    (`pretrain_frames_per_clip` frames each, inside the narrated window). Captions say only what that frame shows
    (object identity, size word, orientation, spatial relation to another object, a cloth in front) and contain
    no action word (`vocab.ACTION_VERBS`).

pretrain/language.jsonl [language]
    The text tower's language corpus (`language_lines` lines): {"text", "paraphrase", "antonym_text"}, where text
    and paraphrase word the same action about the same objects (SSv2 label, Ego4D narration or NExT-QA-style
    statement) and antonym_text is the paraphrase's wording of the antonym ("Pushing red circle from left to
    right" / "the red circle moves to the right" / "the red circle moves to the left"). No video: real text
    towers arrive pretrained on language, and this gives the tiny ones that prior.

metadata/states_{ssv2,ego4d,nextqa}.jsonl [metadata/{domain}]
    The generator's per-frame ground truth, one clip per line: {"domain", "split", "video_id", "video", "action":
    "<kind>:<member>" | null, "salient", "style", "num_frames", "segments": [{"kind", "member", "start", "end"}],
    "main": {"noun", "x", "y", "size", "angle"} (screen state per frame: position and diameter as fractions of
    the frame width, y down, angle in radians, clockwise), "cover" (covered fraction per frame), "cover_side",
    "camera": {"x", "y", "zoom"} per frame, "others": [{"noun", "world_x", "world_y", "world_size", "angle"}]
    (static objects; screen = (world - camera) * zoom + 0.5), "has_landmark"}.

In-memory API (no files): `sample_clip(action, rng, config)` / `sample_qa_clip(rng, config)` -> `ClipState`
(`ClipState.screen()` gives the per-frame screen state), `render_clip(state)` -> uint8 frames [T, S, S, 3],
`domain_actions(domain)` lists the actions, `resolve_config(scale)` the configuration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paxion_eval.world.config import SCALES, resolve_config
    from paxion_eval.world.dynamics import ClipState, sample_clip, sample_qa_clip, sample_trajectory
    from paxion_eval.world.generate import WorldInfo, generate_world
    from paxion_eval.world.render import render_clip
    from paxion_eval.world.vocab import NOUNS, PAIRS, STATICS, Action, domain_actions

_EXPORTS = {
    "SCALES": "config", "resolve_config": "config",
    "ClipState": "dynamics", "sample_clip": "dynamics", "sample_qa_clip": "dynamics",
    "sample_trajectory": "dynamics",
    "WorldInfo": "generate", "generate_world": "generate",
    "render_clip": "render",
    "NOUNS": "vocab", "PAIRS": "vocab", "STATICS": "vocab", "Action": "vocab", "domain_actions": "vocab",
}

__all__ = [
    "SCALES", "Action", "ClipState", "NOUNS", "PAIRS", "STATICS", "WorldInfo", "domain_actions", "generate_world",
    "render_clip", "resolve_config", "sample_clip", "sample_qa_clip", "sample_trajectory",
]


def __getattr__(name: str) -> Any:
    """Import submodules on first use, so `paxion --help` (which imports `paxion_eval.world.cli`) stays fast."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'paxion_eval.world' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"paxion_eval.world.{_EXPORTS[name]}"), name)

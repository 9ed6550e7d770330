"""ESCO's skill structure read as downloaded (tests/esco_fixture.py writes the real file formats)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recommender.inputs.skill_structure import SkillStructure, load_skill_structure
from recommender.inputs.taxonomy import load_taxonomy
from tests.esco_fixture import SKILL, write_esco


@pytest.fixture()
def esco(tmp_path: Path) -> Path:
    return write_esco(tmp_path / "esco")


def _position(vocabulary, key: str) -> int:  # type: ignore[no-untyped-def]
    return vocabulary.index_of()[SKILL + key]


def test_broader_links_and_relations_are_read(esco: Path) -> None:
    vocabulary = load_taxonomy(esco)
    structure = load_skill_structure(esco, vocabulary)
    python, java, programming = (_position(vocabulary, k) for k in ("python", "java", "programming"))
    assert structure.broader(python).tolist() == [programming]
    assert structure.ancestors(python, 2) == {programming: 1, structure.n_skills: 2}  # then its skill group
    assert structure.group_labels == ("software and applications development and analysis",)
    assert structure.are_related(_position(vocabulary, "etl"), _position(vocabulary, "warehouse"))
    assert structure.are_related(_position(vocabulary, "warehouse"), _position(vocabulary, "etl"))  # both ways
    assert not structure.are_related(python, java)


def test_a_folder_without_structure_files_gives_an_empty_structure(tmp_path: Path, esco: Path) -> None:
    for name in ("broaderRelationsSkillPillar.csv", "skillSkillRelations.csv"):
        (esco / name).unlink()
    structure = load_skill_structure(esco, load_taxonomy(esco))
    assert structure.is_empty
    assert structure.ancestors(0, 3) == {}


def test_saved_arrays_give_back_the_same_structure(esco: Path) -> None:
    vocabulary = load_taxonomy(esco)
    structure = load_skill_structure(esco, vocabulary)
    again = SkillStructure.from_arrays(len(vocabulary), structure.arrays(), structure.document())
    assert (again.parents != structure.parents).nnz == 0 and (again.related != structure.related).nnz == 0
    assert again.group_ids == structure.group_ids


def test_appended_skills_stand_alone_and_groups_move_after_them(esco: Path) -> None:
    vocabulary = load_taxonomy(esco)
    structure = load_skill_structure(esco, vocabulary)
    python = _position(vocabulary, "python")
    wider = structure.extended(structure.n_skills + 2)
    assert wider.n_skills == structure.n_skills + 2
    assert wider.ancestors(python, 2) == {_position(vocabulary, "programming"): 1, wider.n_skills: 2}
    assert wider.broader(structure.n_skills).tolist() == []  # an appended skill
    with pytest.raises(ValueError, match="shrink"):
        structure.extended(1)


def test_links_by_hand() -> None:
    # 0 → 1 → 2 (skills), 2 → group 3; 0 ~ 2 related
    structure = SkillStructure.from_links(3, [(0, 1), (1, 2), (2, 3)], [(0, 2)], ["g"], ["a group"])
    assert structure.ancestors(0, 1) == {1: 1}
    assert structure.ancestors(0, 3) == {1: 1, 2: 2, 3: 3}
    assert structure.are_related(2, 0)
    assert np.array_equal(structure.broader(2), [3])

"""The embedded default catalog meets what it promises (size, breadth, shape, stacking)."""

from collections import Counter

import pytest

from recommender.defaults import CATALOG_FILE, SKILLS_FILE, embedded_data_dir
from recommender.formats.readers import load_catalog
from recommender.inputs.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return load_catalog(embedded_data_dir() / CATALOG_FILE)


def test_at_least_150_credentials_in_at_least_10_fields(catalog) -> None:  # type: ignore[no-untyped-def]
    assert len(catalog) >= 150
    assert catalog.report.skipped == () and catalog.report.duplicates == ()
    fields = Counter(c.field for c in catalog)
    assert len(fields) >= 10 and min(fields.values()) >= 10


def test_every_credential_is_complete(catalog) -> None:  # type: ignore[no-untyped-def]
    for c in catalog:
        assert c.provider and c.level and c.hours and c.hours > 0 and c.cost is not None, c.id
        assert 4 <= len(c.skills) <= 10, c.id
        assert 60 <= len(c.text.split()) <= 200, c.id


def test_declared_skills_are_all_in_the_shipped_vocabulary(catalog) -> None:  # type: ignore[no-untyped-def]
    vocabulary = load_taxonomy(embedded_data_dir() / SKILLS_FILE)
    missing = {s for c in catalog for s in c.skills if vocabulary.lookup(s) is None}
    assert not missing


def test_stacks_and_prerequisites_point_at_real_credentials(catalog) -> None:  # type: ignore[no-untyped-def]
    by_id = catalog.by_id()
    stacked = [c for c in catalog if c.stacks_into]
    assert len(stacked) >= 20
    for c in catalog:
        for target in (*c.stacks_into, *c.requires):
            assert target in by_id, (c.id, target)
        for target in c.stacks_into:
            assert by_id[target].type == "certificate"

"""The door context: a setting is named in the words of the door the user came through."""

import pytest

from sozialraum.core.doors import DOORS, KNOBS, current_door, knob, using_door


def test_default_door_is_python():
    assert current_door() == "api"
    assert knob("table_key") == "key="


@pytest.mark.parametrize(
    ("door", "expected"),
    [("cli", "--table-key"), ("config", "schluessel (in [[tabellen]])"), ("api", "key=")],
)
def test_knob_in_each_door(door, expected):
    with using_door(door):
        assert knob("table_key") == expected
    assert current_door() == "api"


def test_qgis_field_names_are_translated():
    with using_door("qgis"):
        assert "Schlüsselspalte" in knob("table_key", "de")
        assert "key column" in knob("table_key", "en")


def test_every_knob_is_named_in_python():
    for name, entry in KNOBS.items():
        assert "api" in entry, name
        assert set(entry) <= set(DOORS), name


def test_unknown_door_refused():
    with pytest.raises(ValueError, match="unknown door"):
        with using_door("web"):
            pass

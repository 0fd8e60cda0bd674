import pytest

from gnlc.core.env import EnvError, env_bool, env_choice, env_int, env_list


def test_env_bool_reads_true_and_false_words(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False


def test_env_bool_fails_loudly_on_a_typo(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(EnvError, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int_fails_loudly_on_a_non_number(monkeypatch):
    monkeypatch.setenv("X_PORT", "80OO")
    with pytest.raises(EnvError, match="X_PORT must be an integer"):
        env_int("X_PORT", 1)


def test_env_list_splits_and_strips(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.org, b.org ,,")
    assert env_list("X_HOSTS") == ["a.org", "b.org"]
    monkeypatch.delenv("X_HOSTS")
    assert env_list("X_HOSTS", ["localhost"]) == ["localhost"]


def test_env_choice_reads_a_listed_word_or_the_default(monkeypatch):
    monkeypatch.setenv("X_MODE", " Inline ")
    assert env_choice("X_MODE", "background", ("background", "inline")) == "inline"
    monkeypatch.delenv("X_MODE")
    assert env_choice("X_MODE", "background", ("background", "inline")) == "background"


def test_env_choice_fails_loudly_on_another_word(monkeypatch):
    monkeypatch.setenv("X_MODE", "lazy")
    with pytest.raises(EnvError, match="X_MODE must be one of"):
        env_choice("X_MODE", "background", ("background", "inline"))

import pytest

from gnlc.core.env import EnvError, env_bool, env_int, env_list


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

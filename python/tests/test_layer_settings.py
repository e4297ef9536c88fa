"""channels.layers as configured from settings.CHANNEL_LAYERS, as Channels 4.0 does it: layers made on first use,
made again when the setting changes, test configs, and the errors for broken configs."""

from channels.exceptions import InvalidChannelLayerError
from channels.layers import InMemoryChannelLayer, channel_layers, get_channel_layer
from django.test import override_settings

IN_MEMORY = {"BACKEND": "channels.layers.InMemoryChannelLayer"}


def raises(function, error_type, text):
    try:
        function()
    except error_type as error:
        assert text in str(error), str(error)
    else:
        raise AssertionError("%s was not raised" % error_type.__name__)


@override_settings(CHANNEL_LAYERS={"default": dict(IN_MEMORY, CONFIG={"capacity": 7, "expiry": 30})})
def test_the_layer_comes_from_settings_with_its_config():
    layer = get_channel_layer()
    assert isinstance(layer, InMemoryChannelLayer)
    assert layer.capacity == 7 and layer.expiry == 30
    assert get_channel_layer() is layer  # made once, then kept


def test_a_settings_change_makes_the_layer_again():
    with override_settings(CHANNEL_LAYERS={"default": dict(IN_MEMORY, CONFIG={"capacity": 3})}):
        first = get_channel_layer()
        assert first.capacity == 3
    with override_settings(CHANNEL_LAYERS={"default": dict(IN_MEMORY, CONFIG={"capacity": 5})}):
        second = get_channel_layer()
        assert second is not first and second.capacity == 5


@override_settings(CHANNEL_LAYERS={"default": IN_MEMORY})
def test_an_alias_that_is_not_configured_has_no_layer():
    assert get_channel_layer("elsewhere") is None
    assert "default" in channel_layers and "elsewhere" not in channel_layers


@override_settings(CHANNEL_LAYERS={"default": dict(IN_MEMORY, TEST_CONFIG={"capacity": 2})})
def test_make_test_backend_uses_the_test_config():
    assert channel_layers.make_test_backend("default").capacity == 2


@override_settings(CHANNEL_LAYERS={"default": IN_MEMORY})
def test_make_test_backend_needs_a_test_config():
    raises(lambda: channel_layers.make_test_backend("default"), InvalidChannelLayerError, "No TEST_CONFIG specified for default")


@override_settings(CHANNEL_LAYERS={"default": {"CONFIG": {}}, "nowhere": {"BACKEND": "no.such.Layer"}, "old": dict(IN_MEMORY, ROUTING="x")})
def test_broken_configs_say_what_is_wrong():
    raises(lambda: channel_layers.make_backend("default"), InvalidChannelLayerError, "No BACKEND specified for default")
    raises(lambda: channel_layers.make_backend("nowhere"), InvalidChannelLayerError, "Cannot import BACKEND 'no.such.Layer' specified for nowhere")
    raises(lambda: channel_layers.make_backend("old"), InvalidChannelLayerError, "ROUTING key found for old")


@override_settings(CHANNEL_LAYERS={"default": IN_MEMORY})
def test_set_swaps_a_layer_and_returns_the_old_one():
    original = get_channel_layer()
    replacement = InMemoryChannelLayer()
    assert channel_layers.set("default", replacement) is original
    assert get_channel_layer() is replacement
    assert channel_layers.set("default", original) is replacement

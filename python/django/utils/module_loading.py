"""django.utils.module_loading.import_string: a class or function by its dotted path."""

from importlib import import_module


def import_string(dotted_path):
    try:
        module_path, class_name = dotted_path.rsplit(".", 1)
    except ValueError as error:
        raise ImportError("%s doesn't look like a module path" % dotted_path) from error
    module = import_module(module_path)
    try:
        return getattr(module, class_name)
    except AttributeError as error:
        raise ImportError('Module "%s" does not define a "%s" attribute/class' % (module_path, class_name)) from error

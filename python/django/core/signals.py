"""django.core.signals.setting_changed, which override_settings sends and Channels' layer manager listens to."""


class Signal:
    def __init__(self):
        self.receivers = []

    def connect(self, receiver):
        if receiver not in self.receivers:
            self.receivers.append(receiver)

    def disconnect(self, receiver):
        if receiver in self.receivers:
            self.receivers.remove(receiver)
            return True
        return False

    def send(self, sender, **named):
        return [(receiver, receiver(sender=sender, **named)) for receiver in list(self.receivers)]


setting_changed = Signal()

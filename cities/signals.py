"""Keep search keys in step with names on every save, fixtures (raw saves) included."""

from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver

from .models import City, CityName, Network


@receiver(pre_save, sender=City)
@receiver(pre_save, sender=CityName)
@receiver(pre_save, sender=Network)
def refresh_search_key(sender: type, instance: City | CityName | Network, **kwargs: Any) -> None:
    instance.refresh_search_key()

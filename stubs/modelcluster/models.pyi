# Minimal types for django-modelcluster, which ships none.
from django.db import models

class ClusterableModel(models.Model):
    class Meta:
        abstract = True

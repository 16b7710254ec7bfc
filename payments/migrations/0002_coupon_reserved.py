"""A checkout reserves its coupon redemption when it opens (it used to be counted at success).

Existing open checkouts with a coupon held nothing; they take a redemption at success if one is
left, as before. Paid ones that were counted hold theirs.
"""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="payment", old_name="coupon_counted", new_name="coupon_reserved"),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=Q(coupon_reserved=False) | Q(coupon__isnull=False), name="payments_payment_reserves_a_coupon"
            ),
        ),
    ]

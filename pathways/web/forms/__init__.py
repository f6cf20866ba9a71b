"""The pages' forms, one module an area of the work (`web.forms.referrals`, ...)."""

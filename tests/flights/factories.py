from flights.services import WaiverSignature


def signature_for(enrollment, **fields) -> WaiverSignature:
    return WaiverSignature(typed_name=enrollment.user.full_name, ip_address="203.0.113.7", **fields)

"""Interoperability check with a SOAP toolkit that is not node-soap: python3-zeep (Debian).

Loads the WSDL from the URL given (the simulator's ?wsdl), which zeep parses and validates, then calls wsCpMt
and checkBalance through the service address the WSDL names. Credentials come from the environment so they
never show in a process list: VIETTEL_USER, VIETTEL_PASSWORD, VIETTEL_CP_CODE, VIETTEL_BRANDNAME.

    /usr/bin/python3 zeep_send.py WSDL_URL RECEIVER REQUEST_ID CONTENT

Prints one JSON line: {"wsCpMt": {"result": 1, "message": "..."}, "checkBalance": {"balance": "...", "errCode": 0}}
"""
import json
import os
import sys

import zeep


def main() -> int:
    wsdl_url, receiver, request_id, content = sys.argv[1:5]
    client = zeep.Client(wsdl_url)
    service = client.bind("CcApi", "CcApiPort")
    credentials = {
        "User": os.environ["VIETTEL_USER"],
        "Password": os.environ["VIETTEL_PASSWORD"],
        "CPCode": os.environ["VIETTEL_CP_CODE"],
    }
    sent = service.wsCpMt(
        **credentials,
        RequestID=request_id,
        UserID=receiver,
        ReceiverID=receiver,
        ServiceID=os.environ["VIETTEL_BRANDNAME"],
        CommandCode="bulksms",
        Content=content,
        ContentType="0",
    )
    balance = service.checkBalance(**credentials)
    print(json.dumps({
        "wsCpMt": {"result": sent.result, "message": sent.message},
        # zeep reads xsd:decimal as Decimal: str() keeps every digit.
        "checkBalance": {"balance": str(balance.balance), "errCode": balance.errCode},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())

from gradekit.grading import check, expect

EXERCISE = "ex17_echo_server"
CLIENTS = 20


@check("20 clients are served at once", points=2)
def test_twenty_clients_at_once(run):
    value = run("many_clients", n=CLIENTS).value()
    expect(value["served"] == CLIENTS,
           f"{CLIENTS} clients connected at the same time each get their line echoed (within 1 s)",
           expected=f"{CLIENTS} clients served", observed=f"{value['served']} served",
           hint="asyncio.start_server runs your handler in its own task for every connection; do not make one "
                "connection wait for another (no lock or loop around the whole conversation).")


@check("an idle client does not delay the others", points=2)
def test_idle_client_does_not_delay_others(run):
    value = run("idle_clients").value()
    served = value["reply"] == "hello\n"
    expect(served, "while two other clients sit idle (one mid-line), a new client's line is echoed within 1 s",
           expected="'hello\\n' back", observed=f"{value['reply']!r} after {value['latency']:.3f} s",
           hint="a handler waiting in await reader.readline() must not hold anything the other handlers need "
                "(no shared lock held across an await on the network).")


@check("lines come back in order, unchanged", points=1.5)
def test_lines_in_order(run):
    lines = [f"line {i:02d}: " + "abcdefghij"[: i % 11] + " ~" * (i % 4) + "\n" for i in range(40)]
    value = run("burst_of_lines", lines=lines).value()
    received = value["received"]
    first_bad = next((i for i, (a, b) in enumerate(zip(lines, received)) if a != b), None)
    if first_bad is None and len(received) < len(lines):
        first_bad = len(received)
    expect(first_bad is None, f"{len(lines)} lines sent in one burst come back one for one, in order and unchanged",
           expected=f"line {first_bad}: {lines[first_bad]!r}" if first_bad is not None else "",
           observed=(f"{received[first_bad]!r}" if first_bad is not None and first_bad < len(received)
                     else f"only {len(received)} line(s) came back"),
           hint="TCP is a byte stream, not a stream of messages: one read can hold several lines or part of one. "
                "Read whole lines with reader.readline() and write each back as it is.")


@check("a client that disconnects mid-line does not crash the server", points=1.5)
def test_disconnect_mid_line(run):
    observation = run("disconnect_mid_line")
    value = observation.value()
    # Reported by the student's process (hygiene): what asyncio passed to its loop's exception
    # handler, "Unhandled exception in client_connected_cb: <type>: <message>" for a handler that raised.
    crashed = observation.hygiene.get("never_retrieved", [])
    if crashed:
        expect(False, "a client that disconnects mid-line is handled without an unhandled exception",
               expected="the handler ends quietly", observed=crashed[0],
               hint="at end of stream readline() returns the partial line and then b''; readuntil() raises "
                    "asyncio.IncompleteReadError (its .partial holds the data): catch it and end the handler.")
    expect(value["reply"] == "after\n", "after a client disconnected mid-line, the server still serves a new client",
           expected="'after\\n' back", observed=repr(value["reply"]),
           hint="one client's problem must end only that client's handler, never the server.")

"""Public checks of ex17: students can read and run these (real sockets on 127.0.0.1)."""

from gradekit.grading import check, expect

EXERCISE = "ex17_echo_server"


@check("each line is echoed back as soon as it arrives", points=2)
def test_echoes_each_line(run):
    lines = ["hello\n", "asyncio streams\n", "ünïcødé and spaces  \n"]
    value = run("echo_lines", lines=lines).value()
    expect(value["received"] == lines, "each line is echoed back, unchanged, before the client sends the next",
           expected=lines, observed=value["received"],
           note="(None = no complete line came back within 1 s)",
           hint="in the handler, loop: line = await reader.readline(); stop on b''; "
                "writer.write(line); await writer.drain().")


@check("a client's closing closes the connection, and server.close() + wait_closed() finish", points=1)
def test_closes_cleanly(run):
    value = run("close_cleanly").value()
    unclosed = value["unclosed"]
    expect(not unclosed, "the handler closes its connection itself once the client has gone",
           expected="writer.close() in the handler (no ResourceWarning 'unclosed ...')",
           observed=f"the connection was left to the garbage collector ({unclosed[0] if unclosed else ''})",
           hint="a StreamWriter the handler drops is closed only if and when the garbage collector frees it: "
                "when readline() returns b'', call writer.close() and await writer.wait_closed().")
    expect(value["eof"] and value["data"] == "bye\n",
           "after the client closes its side, the server echoes what is left and closes the connection",
           expected="'bye\\n' then end of stream within 1 s",
           observed=f"{value['data']!r} then {'end of stream' if value['eof'] else 'no end of stream within 1 s'}",
           hint="when readline() returns b'' the client is gone: call writer.close() and await writer.wait_closed().")
    expect(value["closed"], "server.close() + await server.wait_closed() finish", expected="within 1 s",
           observed=f"still waiting after {value['close_seconds']:.3f} s",
           hint="every connection handler must end (and close its writer) once its client has gone.")

package dev.podnic.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** What one in-process run of the podnic command produced. */
record Outcome(int exit, String out, String err) {

    static Outcome of(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(exit, out.toString(), err.toString());
    }
}

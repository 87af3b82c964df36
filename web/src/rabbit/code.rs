//! The code view: every operation of a RabbitMQ scenario as the call a real client makes, in
//! Python pika (1.3, `BlockingConnection`) and in the Java client (amqp-client 5.x), and the whole
//! scenario as one script a learner can run against a broker on localhost.
//!
//! [`call`] renders one operation on its own. [`script`] renders them all in order and keeps
//! track of what the playground does around them: it opens every connection and channel first,
//! reopens one that was closed before its next use (the playground reopens on first use too),
//! waits for each action's virtual time (pika only runs consumer callbacks while it processes
//! events, so the script's `wait_until` does that), and records each consumer's delivery tags so
//! that "the n-th delivery to consumer c" can be settled.
//!
//! Field tables follow what each client puts on the wire: pika 1.3 sends a Python `int` as a
//! `signedint` (a `long` beyond 32 bits) and cannot send floats; the Java client sends `Integer`,
//! `Long`, `Short`, `Byte`, ... as their own types and has no unsigned ones. Where the client cannot
//! send the scenario's type, the call ends with a comment naming it (`# x-message-ttl: long`).
use std::collections::{BTreeMap, BTreeSet};

use mqplay_core::rabbit::routing::{FieldValue, Table};
use mqplay_core::rabbit::spec::{Action, OnDelivery, Op, PublishProperties};

/// The client library a script is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// Python, pika 1.3, `BlockingConnection`.
    Pika,
    /// Java, amqp-client 5.x.
    Java,
}

/// One line (or a few) of client code for one operation. Channel variables are named after the
/// connection and channel: pika `app_ch1`, Java `appCh1`; connection variables `app_conn` / `appConn`.
pub fn call(client: Client, action: &Action) -> String {
    Ctx::new(client, false).op_lines(action).join("\n")
}

/// The whole script: a preamble opening every connection and channel the script uses (localhost,
/// guest/guest), then the setup lines, then each timed action preceded by a comment giving its
/// virtual time (e.g. `# at 1500 ms` / `// at 1500 ms`). `actions` are (at_ms, action) pairs in run order.
pub fn script(client: Client, setup: &[Action], actions: &[(u64, &Action)]) -> String {
    let mut ctx = Ctx::new(client, true);
    let all: Vec<&Action> = setup.iter().chain(actions.iter().map(|(_, a)| *a)).collect();

    // The connections and channels methods are sent on, in the order they are first used; the
    // consumers whose callback changes later; whether the broker restarts.
    let mut conns: Vec<String> = Vec::new();
    let mut chans: Vec<Chan> = Vec::new();
    for a in &all {
        let (conn, ch) = (&a.on.connection, a.on.channel);
        match &a.op {
            Op::BrokerRestart {} => ctx.needs.pause = true,
            Op::ChannelClose {} | Op::ConnectionClose {} => {}
            op => {
                if let Op::SetOnDelivery { consumer_tag, .. } = op {
                    ctx.switchable.insert((conn.clone(), ch, consumer_tag.clone()));
                }
                if !conns.contains(conn) {
                    conns.push(conn.clone());
                }
                if !chans.contains(&(conn.clone(), ch)) {
                    chans.push((conn.clone(), ch));
                }
            }
        }
    }
    // Variable names first, so that callbacks never take one of them.
    let mut conn_vars = Vec::new();
    let mut chan_vars = Vec::new();
    for conn in &conns {
        let var = ctx.conn_var(conn);
        ctx.vars_taken.insert(var.clone());
        conn_vars.push(var);
    }
    for (conn, ch) in &chans {
        let var = ctx.chan_var(conn, *ch);
        ctx.vars_taken.insert(var.clone());
        chan_vars.push(var);
    }

    // Each channel variable with its connection's variable and name, and its number: what a step
    // reopens when the broker closed it.
    let table: Vec<ChannelRow> = chans
        .iter()
        .zip(&chan_vars)
        .map(|((conn, ch), var)| (var.clone(), ctx.conn_var(conn), conn.clone(), *ch))
        .collect();

    let mut body = vec![ctx.comment("Open every connection and channel the scenario uses.")];
    for conn in &conns {
        body.push(ctx.open_conn_line(conn, false));
        for (c, ch) in chans.iter().filter(|(c, _)| c == conn) {
            body.push(ctx.open_chan_line(c, *ch, false));
        }
    }
    ctx.open_conns = conns.iter().cloned().collect();
    ctx.open_chans = chans.iter().cloned().collect();

    if !setup.is_empty() {
        body.push(String::new());
        body.push(ctx.comment("setup, at 0 ms"));
        for a in setup {
            body.extend(ctx.step(a));
        }
    }
    let mut waited = 0;
    for (at_ms, a) in actions {
        body.push(String::new());
        body.push(ctx.comment(&format!("at {at_ms} ms")));
        if *at_ms > waited {
            body.push(ctx.wait_line(*at_ms));
            waited = *at_ms;
        }
        body.extend(ctx.step(a));
    }

    body.push(String::new());
    let wait_name = match client {
        Client::Pika => "wait_until",
        Client::Java => "waitUntil",
    };
    body.push(ctx.comment(&format!(
        "The playground runs on until the scenario's duration_ms: {wait_name}(...) here lets the consumers go on."
    )));
    if !conn_vars.is_empty() {
        body.push(ctx.comment("Then close what is still open."));
        match client {
            Client::Pika => {
                body.push(format!("for conn in [{}]:", conn_vars.join(", ")));
                body.push("    if conn.is_open:".into());
                body.push("        conn.close()".into());
            }
            Client::Java => {
                body.push(format!("for (Connection conn : List.of({})) {{", conn_vars.join(", ")));
                body.push("    if (conn.isOpen()) {".into());
                body.push("        conn.close();".into());
                body.push("    }".into());
                body.push("}".into());
            }
        }
    }

    let mut out = match client {
        Client::Pika => pika_file(&ctx, &conn_vars, &table, &body),
        Client::Java => java_file(&ctx, &conn_vars, &table, &body),
    };
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The files around the calls
// ---------------------------------------------------------------------------------------------

/// A channel variable, its connection's variable and name, and its number.
type ChannelRow = (String, String, String, u16);

fn pika_file(ctx: &Ctx, conn_vars: &[String], table: &[ChannelRow], body: &[String]) -> String {
    let mut l: Vec<String> = Vec::new();
    let mut push = |s: &str| l.push(s.to_string());
    push("# An mqplay scenario as a Python script: pika 1.3 (pip install \"pika>=1.3,<2\") against a RabbitMQ");
    push("# on localhost (user guest, password guest). Run it with python3; the times are the playground's");
    push("# virtual times, kept with wait_until(). Each method runs in a step(), which goes on past the broker's");
    push("# error as the playground does: it prints the error, and reopens a channel the broker closed.");
    if ctx.needs.type_notes {
        push("# A trailing \"# key: type\" names the AMQP type a table value has in the scenario where pika sends");
        push("# another one: pika 1.3 sends a Python int as a signedint (a long beyond 32 bits).");
    }
    if ctx.needs.datetime {
        push("import datetime");
    }
    if ctx.needs.decimal {
        push("import decimal");
    }
    push("import contextlib");
    push("import time");
    push("");
    push("import pika");
    push("");
    push("START = time.monotonic()");
    push("# The delivery tags each consumer got, by (channel, consumer tag), in order: what \"the n-th");
    push("# delivery to a consumer\" counts.");
    push("deliveries = {}");
    push("# Each channel variable's connection variable, connection name and channel number, for step().");
    if table.is_empty() {
        push("CHANNELS = {}");
    } else {
        push("CHANNELS = {");
        for (var, conn_var, conn, ch) in table {
            push(&format!(
                "    {}: ({}, {}, {ch}),",
                py_str(var),
                py_str(conn_var),
                py_str(conn)
            ));
        }
        push("}");
    }
    push("");
    push("");
    push("def connect(name):");
    push("    \"\"\"A connection to the broker on localhost as guest/guest, named as in the playground.\"\"\"");
    push("    return pika.BlockingConnection(");
    push("        pika.ConnectionParameters(");
    push("            host=\"localhost\",");
    push("            credentials=pika.PlainCredentials(\"guest\", \"guest\"),");
    push("            client_properties={\"connection_name\": name},");
    push("        )");
    push("    )");
    push("");
    push("");
    push("def record(ch, method):");
    push("    \"\"\"Notes a delivery to a consumer (every consumer callback calls this first).\"\"\"");
    push("    deliveries.setdefault((ch, method.consumer_tag), []).append(method.delivery_tag)");
    push("");
    push("");
    push("def wait_until(at_ms):");
    push("    \"\"\"Lets every open connection take deliveries and run callbacks until at_ms after the start.\"\"\"");
    push("    while True:");
    push(&format!("        for conn in [{}]:", conn_vars.join(", ")));
    push("            if conn.is_open:");
    push("                try:");
    push("                    conn.process_data_events(time_limit=0)");
    push("                except pika.exceptions.AMQPError as error:");
    push("                    print(\"closed by the broker:\", repr(error))");
    push("        left = START + at_ms / 1000 - time.monotonic()");
    push("        if left <= 0:");
    push("            return");
    push("        time.sleep(min(left, 0.01))");
    push("");
    push("");
    push("@contextlib.contextmanager");
    push("def step(channel=None):");
    push("    \"\"\"Runs one method of the scenario: first reopens its channel (and connection) if the broker");
    push("    closed it, as the playground does; prints the broker's error instead of stopping the script.\"\"\"");
    push("    if channel is not None:");
    push("        conn_var, name, number = CHANNELS[channel]");
    push("        if not globals()[conn_var].is_open:");
    push("            print(\"reopening\", conn_var, \"(the broker closed it)\")");
    push("            globals()[conn_var] = connect(name)");
    push("        if not globals()[channel].is_open:");
    push("            print(\"reopening\", channel, \"(the broker closed it)\")");
    push("            globals()[channel] = globals()[conn_var].channel(channel_number=number)");
    push("    try:");
    push("        yield");
    push("    except pika.exceptions.AMQPError as error:");
    push("        print(\"failed:\", repr(error))");
    if ctx.needs.rejections {
        push("");
        push("");
        push("def rejections_from(properties, queue):");
        push("    \"\"\"How often the message's x-death header says it was rejected from queue.\"\"\"");
        push("    for death in (properties.headers or {}).get(\"x-death\", []):");
        push("        if death.get(\"queue\") == queue and death.get(\"reason\") == \"rejected\" and isinstance(death.get(\"count\"), int):");
        push("            return death[\"count\"]");
        push("    return 0");
    }
    if ctx.needs.pause {
        push("");
        push("");
        push("def pause(what):");
        push("    \"\"\"Waits while you do something by hand; the pause does not count as script time.\"\"\"");
        push("    global START");
        push("    began = time.monotonic()");
        push("    input(what + \", then press Enter: \")");
        push("    START += time.monotonic() - began");
    }
    push("");
    push("");
    let mut out = l.join("\n");
    out.push('\n');
    for line in body {
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn java_file(ctx: &Ctx, conn_vars: &[String], table: &[ChannelRow], body: &[String]) -> String {
    let mut l: Vec<String> = Vec::new();
    let mut push = |s: &str| l.push(s.to_string());
    push("// An mqplay scenario as a Java program: amqp-client 5.x against a RabbitMQ on localhost (user guest,");
    push("// password guest). Save it as MqplayScenario.java and run it with Java 11 or later:");
    push("//   java -cp amqp-client-5.x.jar:slf4j-api-1.7.x.jar MqplayScenario.java");
    push("// The times are the playground's virtual times, kept with waitUntil(). Each method runs in a step(),");
    push("// which goes on past the broker's error as the playground does: it prints the error, and reopens a");
    push("// channel the broker closed.");
    if ctx.needs.type_notes {
        push("// A trailing \"// key: type\" names the AMQP type a table value has in the scenario where the Java");
        push("// client sends another one (it has no unsigned types).");
    }
    push("import com.rabbitmq.client.*;");
    push("");
    if ctx.needs.big_decimal {
        push("import java.math.BigDecimal;");
    }
    push("import java.util.*;");
    push("import java.util.concurrent.ConcurrentHashMap;");
    push("import java.util.concurrent.CopyOnWriteArrayList;");
    push("");
    push("import static java.nio.charset.StandardCharsets.UTF_8;");
    push("");
    push("public class MqplayScenario {");
    push("    static final ConnectionFactory factory = new ConnectionFactory();");
    push("    static long start = System.nanoTime();");
    push("    /** The delivery tags each consumer got, by channel and consumer tag, in order. */");
    push("    static final Map<Channel, Map<String, List<Long>>> deliveries = new ConcurrentHashMap<>();");
    if ctx.needs.pause {
        push("    static final Scanner input = new Scanner(System.in);");
    }
    for v in conn_vars {
        push(&format!("    static Connection {v};"));
    }
    for (v, ..) in table {
        push(&format!("    static Channel {v};"));
    }
    for v in &ctx.callback_order {
        push(&format!("    static DeliverCallback {v};"));
    }
    push("");
    push("    /** Notes a delivery to a consumer (every consumer callback calls this first). */");
    push("    static void record(Channel ch, String consumerTag, Delivery delivery) {");
    push("        deliveries.computeIfAbsent(ch, c -> new ConcurrentHashMap<>())");
    push("                .computeIfAbsent(consumerTag, t -> new CopyOnWriteArrayList<>())");
    push("                .add(delivery.getEnvelope().getDeliveryTag());");
    push("    }");
    push("");
    push("    /** Sleeps until atMs after the start; the consumers run on the client's own threads. */");
    push("    static void waitUntil(long atMs) throws InterruptedException {");
    push("        long left = atMs - (System.nanoTime() - start) / 1_000_000;");
    push("        if (left > 0) {");
    push("            Thread.sleep(left);");
    push("        }");
    push("    }");
    push("");
    push("    /** One method of the scenario. */");
    push("    interface Step {");
    push("        void run() throws Exception;");
    push("    }");
    push("");
    push("    /**");
    push("     * Runs one method of the scenario: first reopens its channel (and connection) if the broker closed");
    push("     * it, as the playground does; prints the broker's error instead of stopping the program.");
    push("     */");
    push("    static void step(String channel, Step step) {");
    push("        try {");
    push("            reopen(channel);");
    push("            step.run();");
    push("        } catch (Exception e) {");
    push("            System.out.println(\"failed: \" + (e.getCause() != null ? e.getCause() : e));");
    push("        }");
    push("    }");
    push("");
    push("    static void reopen(String channel) throws Exception {");
    for (var, conn_var, conn, ch) in table {
        push(&format!("        if (channel.equals({})) {{", java_str(var)));
        push(&format!("            if (!{conn_var}.isOpen()) {{"));
        push(&format!(
            "                System.out.println(\"reopening {conn_var}: \" + {conn_var}.getCloseReason());"
        ));
        push(&format!(
            "                {conn_var} = factory.newConnection({});",
            java_str(conn)
        ));
        push("            }");
        push(&format!("            if (!{var}.isOpen()) {{"));
        push(&format!(
            "                System.out.println(\"reopening {var}: \" + {var}.getCloseReason());"
        ));
        push(&format!("                {var} = {conn_var}.createChannel({ch});"));
        push("            }");
        push("        }");
    }
    push("    }");
    if ctx.needs.pause {
        push("");
        push("    /** Waits while you do something by hand; the pause does not count as script time. */");
        push("    static void pause(String what) {");
        push("        long began = System.nanoTime();");
        push("        System.out.print(what + \", then press Enter: \");");
        push("        input.nextLine();");
        push("        start += System.nanoTime() - began;");
        push("    }");
    }
    if ctx.needs.rejections {
        push("");
        push("    /** How often the message's x-death header says it was rejected from queue. */");
        push("    static long rejectionsFrom(AMQP.BasicProperties properties, String queue) {");
        push("        Map<String, Object> headers = properties.getHeaders();");
        push("        Object deaths = headers == null ? null : headers.get(\"x-death\");");
        push("        if (deaths instanceof List) {");
        push("            for (Object death : (List<?>) deaths) {");
        push("                if (death instanceof Map) {");
        push("                    Map<?, ?> d = (Map<?, ?>) death;");
        push("                    if (queue.equals(String.valueOf(d.get(\"queue\"))) && \"rejected\".equals(String.valueOf(d.get(\"reason\")))");
        push("                            && d.get(\"count\") instanceof Long) {");
        push("                        return (Long) d.get(\"count\");");
        push("                    }");
        push("                }");
        push("            }");
        push("        }");
        push("        return 0;");
        push("    }");
    }
    if ctx.needs.table_helper {
        push("");
        push("    /** A field table in order that may repeat a key or hold a void (null), which Map.of refuses. */");
        push("    static Map<String, Object> table(Object... keysAndValues) {");
        push("        Map<String, Object> table = new LinkedHashMap<>();");
        push("        for (int i = 0; i < keysAndValues.length; i += 2) {");
        push("            table.put((String) keysAndValues[i], keysAndValues[i + 1]);");
        push("        }");
        push("        return table;");
        push("    }");
    }
    push("");
    push("    public static void main(String[] args) throws Exception {");
    push("        factory.setHost(\"localhost\");");
    push("        factory.setUsername(\"guest\");");
    push("        factory.setPassword(\"guest\");");
    push("        // A closed connection or channel is reopened by the script, as in the playground.");
    push("        factory.setAutomaticRecoveryEnabled(false);");
    let mut out = l.join("\n");
    out.push('\n');
    for line in body {
        if !line.is_empty() {
            out.push_str("        ");
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str("    }\n}\n");
    out
}

// ---------------------------------------------------------------------------------------------
// Rendering state
// ---------------------------------------------------------------------------------------------

/// A channel: connection name and number.
type Chan = (String, u16);
/// A consumer: connection, channel and consumer tag.
type ConsumerKey = (String, u16, String);

/// What the file around the calls must define or import.
#[derive(Default)]
struct Needs {
    decimal: bool,
    datetime: bool,
    big_decimal: bool,
    table_helper: bool,
    type_notes: bool,
    pause: bool,
    rejections: bool,
}

struct Ctx {
    client: Client,
    /// Rendering a whole script: names are made unique and open channels are tracked.
    script: bool,
    conn_idents: BTreeMap<String, String>,
    idents_taken: BTreeSet<String>,
    vars_taken: BTreeSet<String>,
    callback_names: BTreeMap<ConsumerKey, String>,
    callbacks_taken: BTreeSet<String>,
    /// Callback variables in the order they were named (Java declares them as fields).
    callback_order: Vec<String>,
    /// Consumers whose callback a later `set_on_delivery` changes: their consume calls the callback
    /// by name at each delivery.
    switchable: BTreeSet<ConsumerKey>,
    open_conns: BTreeSet<String>,
    open_chans: BTreeSet<Chan>,
    confirm: BTreeSet<Chan>,
    /// Consumers on open channels, with their `no_ack` and queue.
    consumers: BTreeMap<ConsumerKey, (bool, String)>,
    needs: Needs,
}

impl Ctx {
    fn new(client: Client, script: bool) -> Ctx {
        Ctx {
            client,
            script,
            conn_idents: BTreeMap::new(),
            idents_taken: BTreeSet::new(),
            vars_taken: BTreeSet::new(),
            callback_names: BTreeMap::new(),
            callbacks_taken: BTreeSet::new(),
            callback_order: Vec::new(),
            switchable: BTreeSet::new(),
            open_conns: BTreeSet::new(),
            open_chans: BTreeSet::new(),
            confirm: BTreeSet::new(),
            consumers: BTreeMap::new(),
            needs: Needs::default(),
        }
    }

    fn pika(&self) -> bool {
        self.client == Client::Pika
    }

    fn comment(&self, text: &str) -> String {
        match self.client {
            Client::Pika => format!("# {text}"),
            Client::Java => format!("// {text}"),
        }
    }

    /// `line` followed by a trailing comment, if any.
    fn trailing(&self, line: String, comment: Option<String>) -> String {
        match comment {
            None => line,
            Some(c) => match self.client {
                Client::Pika => format!("{line}  # {c}"),
                Client::Java => format!("{line} // {c}"),
            },
        }
    }

    /// `line` followed by the type notes of its tables, if any.
    fn noted(&mut self, line: String, notes: Vec<String>) -> String {
        if notes.is_empty() {
            return line;
        }
        self.needs.type_notes = true;
        self.trailing(line, Some(notes.join("; ")))
    }

    fn conn_base(&mut self, conn: &str) -> String {
        if let Some(base) = self.conn_idents.get(conn) {
            return base.clone();
        }
        let base = base_ident(self.client, conn);
        if !self.script {
            return base;
        }
        let mut candidate = base.clone();
        let mut i = 2;
        while self.idents_taken.contains(&candidate) {
            candidate = format!("{base}{i}");
            i += 1;
        }
        self.idents_taken.insert(candidate.clone());
        self.conn_idents.insert(conn.to_string(), candidate.clone());
        candidate
    }

    fn conn_var(&mut self, conn: &str) -> String {
        let base = self.conn_base(conn);
        match self.client {
            Client::Pika => format!("{base}_conn"),
            Client::Java => format!("{base}Conn"),
        }
    }

    fn chan_var(&mut self, conn: &str, ch: u16) -> String {
        let base = self.conn_base(conn);
        match self.client {
            Client::Pika => format!("{base}_ch{ch}"),
            Client::Java => format!("{base}Ch{ch}"),
        }
    }

    fn callback_name(&mut self, key: &ConsumerKey) -> String {
        if let Some(name) = self.callback_names.get(key) {
            return name.clone();
        }
        let base = callback_ident(self.client, &key.2);
        let sep = if self.pika() { "_" } else { "" };
        let mut candidate = base.clone();
        let mut i = 2;
        while self.script && (self.callbacks_taken.contains(&candidate) || self.vars_taken.contains(&candidate)) {
            candidate = format!("{base}{sep}{i}");
            i += 1;
        }
        if self.script {
            self.callbacks_taken.insert(candidate.clone());
            self.callback_names.insert(key.clone(), candidate.clone());
        }
        self.callback_order.push(candidate.clone());
        candidate
    }

    fn open_conn_line(&mut self, conn: &str, reopen: bool) -> String {
        let var = self.conn_var(conn);
        let line = match self.client {
            Client::Pika => format!("{var} = connect({})", py_str(conn)),
            Client::Java => format!("{var} = factory.newConnection({});", java_str(conn)),
        };
        self.trailing(line, reopen.then(|| "reopened: it was closed".to_string()))
    }

    fn open_chan_line(&mut self, conn: &str, ch: u16, reopen: bool) -> String {
        let var = self.chan_var(conn, ch);
        let conn_var = self.conn_var(conn);
        let line = match self.client {
            Client::Pika => format!("{var} = {conn_var}.channel(channel_number={ch})"),
            Client::Java => format!("{var} = {conn_var}.createChannel({ch});"),
        };
        self.trailing(line, reopen.then(|| "reopened: it was closed".to_string()))
    }

    fn wait_line(&self, at_ms: u64) -> String {
        match self.client {
            Client::Pika => format!("wait_until({at_ms})"),
            Client::Java => format!("waitUntil({at_ms});"),
        }
    }

    fn forget_channel(&mut self, conn: &str, ch: u16) {
        self.open_chans.remove(&(conn.to_string(), ch));
        self.confirm.remove(&(conn.to_string(), ch));
        self.consumers.retain(|k, _| !(k.0 == conn && k.1 == ch));
    }

    fn forget_connection(&mut self, conn: &str) {
        self.open_conns.remove(conn);
        self.open_chans.retain(|c| c.0 != conn);
        self.confirm.retain(|c| c.0 != conn);
        self.consumers.retain(|k, _| k.0 != conn);
    }

    /// One operation of a script: reopens what it needs, renders it and notes what it changes.
    fn step(&mut self, a: &Action) -> Vec<String> {
        let (conn, ch) = (a.on.connection.as_str(), a.on.channel);
        match &a.op {
            Op::BrokerRestart {} => {
                let mut lines = self.op_lines(a);
                let what = java_or_py_str(
                    self.client,
                    "Restart the broker (rabbitmqctl stop_app && rabbitmqctl start_app)",
                );
                lines.push(match self.client {
                    Client::Pika => format!("pause({what})"),
                    Client::Java => format!("pause({what});"),
                });
                lines.push(self.comment("The broker closed every connection: each is reopened at its next use."));
                self.open_conns.clear();
                self.open_chans.clear();
                self.confirm.clear();
                self.consumers.clear();
                lines
            }
            Op::ChannelClose {} => {
                if self.open_chans.contains(&(conn.to_string(), ch)) {
                    let body = self.op_lines(a);
                    let lines = self.in_step(None, body);
                    self.forget_channel(conn, ch);
                    lines
                } else {
                    let var = self.chan_var(conn, ch);
                    vec![self.comment(&format!(
                        "channel_close: {var} is not open, nothing to close (the playground skips it)"
                    ))]
                }
            }
            Op::ConnectionClose {} => {
                if self.open_conns.contains(conn) {
                    let body = self.op_lines(a);
                    let lines = self.in_step(None, body);
                    self.forget_connection(conn);
                    lines
                } else {
                    let var = self.conn_var(conn);
                    vec![self.comment(&format!(
                        "connection_close: {var} is not open, nothing to close (the playground skips it)"
                    ))]
                }
            }
            op => {
                let mut lines = Vec::new();
                if !self.open_conns.contains(conn) {
                    lines.push(self.open_conn_line(conn, true));
                    self.open_conns.insert(conn.to_string());
                }
                if !self.open_chans.contains(&(conn.to_string(), ch)) {
                    lines.push(self.open_chan_line(conn, ch, true));
                    self.open_chans.insert((conn.to_string(), ch));
                }
                let chv = self.chan_var(conn, ch);
                let body = self.op_lines(a);
                lines.extend(self.in_step(Some(&chv), body));
                match op {
                    Op::BasicConsume {
                        queue,
                        consumer_tag,
                        no_ack,
                        ..
                    } => {
                        self.consumers
                            .insert((conn.to_string(), ch, consumer_tag.clone()), (*no_ack, queue.clone()));
                    }
                    Op::BasicCancel { consumer_tag } => {
                        self.consumers.remove(&(conn.to_string(), ch, consumer_tag.clone()));
                    }
                    Op::ConfirmSelect {} => {
                        self.confirm.insert((conn.to_string(), ch));
                    }
                    _ => {}
                }
                lines
            }
        }
    }

    /// A script's step around an operation's lines: the broker's error is printed and the script
    /// goes on, and the step first reopens its channel (`channel`) if the broker closed it.
    fn in_step(&self, channel: Option<&str>, body: Vec<String>) -> Vec<String> {
        let comment = if self.pika() { "#" } else { "//" };
        if body.iter().all(|l| l.trim_start().starts_with(comment)) {
            return body;
        }
        match self.client {
            Client::Pika => {
                let open = match channel {
                    Some(c) => format!("with step({}):", py_str(c)),
                    None => "with step():".into(),
                };
                std::iter::once(open)
                    .chain(body.into_iter().map(|l| format!("    {l}")))
                    .collect()
            }
            Client::Java => {
                // A closing step reopens nothing: "" names no channel.
                let channel = java_str(channel.unwrap_or(""));
                std::iter::once(format!("step({channel}, () -> {{"))
                    .chain(body.into_iter().map(|l| format!("    {l}")))
                    .chain(std::iter::once("});".to_string()))
                    .collect()
            }
        }
    }

    /// The client code of one operation, without reopening anything.
    fn op_lines(&mut self, a: &Action) -> Vec<String> {
        match self.client {
            Client::Pika => self.pika_lines(a),
            Client::Java => self.java_lines(a),
        }
    }

    /// The delivery tag a settle names, and a comment when it is found through `nth`.
    fn settle_target(
        &self,
        chv: &str,
        delivery_tag: Option<u64>,
        consumer_tag: &Option<String>,
        nth: Option<u64>,
    ) -> (String, Option<String>) {
        match (delivery_tag, consumer_tag, nth) {
            (Some(tag), _, _) => (tag.to_string(), None),
            (None, Some(c), Some(n)) => {
                let index = n.saturating_sub(1);
                let expr = match self.client {
                    Client::Pika => format!("deliveries[{chv}, {}][{index}]", py_str(c)),
                    Client::Java => format!("deliveries.get({chv}).get({}).get({index})", java_str(c)),
                };
                (expr, Some(format!("the {} delivery to {}", ordinal(n), tag_text(c))))
            }
            _ => ("0".into(), None),
        }
    }

    /// A settle of "the n-th delivery to consumer c": in a script it runs only once that delivery
    /// has happened, as the playground skips it before.
    fn guarded(
        &self,
        chv: &str,
        delivery_tag: Option<u64>,
        consumer_tag: &Option<String>,
        nth: Option<u64>,
        line: String,
    ) -> Vec<String> {
        let (None, Some(c), Some(n), true) = (delivery_tag, consumer_tag, nth, self.script) else {
            return vec![line];
        };
        let skipped = format!(
            "skipped: consumer {} has not had a {} delivery",
            tag_text(c),
            ordinal(n)
        );
        match self.client {
            Client::Pika => vec![
                format!("if len(deliveries.get(({chv}, {}), [])) >= {n}:", py_str(c)),
                format!("    {line}"),
                "else:".into(),
                format!("    print({})", py_str(&skipped)),
            ],
            Client::Java => vec![
                format!(
                    "if (deliveries.getOrDefault({chv}, Map.of()).getOrDefault({}, List.of()).size() >= {n}L) {{",
                    java_str(c)
                ),
                format!("    {line}"),
                "} else {".into(),
                format!("    System.out.println({});", java_str(&skipped)),
                "}".into(),
            ],
        }
    }

    // -----------------------------------------------------------------------------------------
    // pika
    // -----------------------------------------------------------------------------------------

    fn pika_lines(&mut self, a: &Action) -> Vec<String> {
        let (conn, ch) = (a.on.connection.as_str(), a.on.channel);
        let chv = self.chan_var(conn, ch);
        let mut notes = Vec::new();
        let line = match &a.op {
            Op::DeclareExchange {
                exchange,
                kind,
                durable,
                auto_delete,
                internal,
                passive,
                arguments,
            } => {
                let mut args = vec![
                    format!("exchange={}", py_str(exchange)),
                    format!("exchange_type={}", py_str(kind.as_str())),
                ];
                flag(&mut args, "passive", *passive);
                flag(&mut args, "durable", *durable);
                flag(&mut args, "auto_delete", *auto_delete);
                flag(&mut args, "internal", *internal);
                self.py_arguments(&mut args, arguments, &mut notes);
                format!("{chv}.exchange_declare({})", args.join(", "))
            }
            Op::DeleteExchange { exchange, if_unused } => {
                let mut args = vec![format!("exchange={}", py_str(exchange))];
                flag(&mut args, "if_unused", *if_unused);
                format!("{chv}.exchange_delete({})", args.join(", "))
            }
            Op::DeclareQueue {
                queue,
                durable,
                exclusive,
                auto_delete,
                passive,
                arguments,
            } => {
                let mut args = vec![format!("queue={}", py_str(queue))];
                flag(&mut args, "passive", *passive);
                flag(&mut args, "durable", *durable);
                flag(&mut args, "exclusive", *exclusive);
                flag(&mut args, "auto_delete", *auto_delete);
                self.py_arguments(&mut args, arguments, &mut notes);
                format!("{chv}.queue_declare({})", args.join(", "))
            }
            Op::DeleteQueue {
                queue,
                if_unused,
                if_empty,
            } => {
                let mut args = vec![format!("queue={}", py_str(queue))];
                flag(&mut args, "if_unused", *if_unused);
                flag(&mut args, "if_empty", *if_empty);
                format!("{chv}.queue_delete({})", args.join(", "))
            }
            Op::PurgeQueue { queue } => format!("{chv}.queue_purge(queue={})", py_str(queue)),
            Op::BindQueue {
                queue,
                exchange,
                routing_key,
                arguments,
            }
            | Op::UnbindQueue {
                queue,
                exchange,
                routing_key,
                arguments,
            } => {
                // pika binds with the queue's name when routing_key is left out: always pass it.
                let method = if matches!(a.op, Op::BindQueue { .. }) {
                    "queue_bind"
                } else {
                    "queue_unbind"
                };
                let mut args = vec![
                    format!("queue={}", py_str(queue)),
                    format!("exchange={}", py_str(exchange)),
                    format!("routing_key={}", py_str(routing_key)),
                ];
                self.py_arguments(&mut args, arguments, &mut notes);
                format!("{chv}.{method}({})", args.join(", "))
            }
            Op::BindExchange {
                destination,
                source,
                routing_key,
                arguments,
            }
            | Op::UnbindExchange {
                destination,
                source,
                routing_key,
                arguments,
            } => {
                let method = if matches!(a.op, Op::BindExchange { .. }) {
                    "exchange_bind"
                } else {
                    "exchange_unbind"
                };
                let mut args = vec![
                    format!("destination={}", py_str(destination)),
                    format!("source={}", py_str(source)),
                    format!("routing_key={}", py_str(routing_key)),
                ];
                self.py_arguments(&mut args, arguments, &mut notes);
                format!("{chv}.{method}({})", args.join(", "))
            }
            Op::ConfirmSelect {} => format!("{chv}.confirm_delivery()"),
            Op::Publish {
                exchange,
                routing_key,
                body,
                mandatory,
                properties,
                count,
            } => {
                let looped = *count > 1;
                let mut args = vec![
                    format!("exchange={}", py_str(exchange)),
                    format!("routing_key={}", py_str(routing_key)),
                    format!("body={}", py_numbered(body, looped)),
                ];
                if let Some(p) = self.py_properties(properties, looped, &mut notes) {
                    args.push(format!("properties={p}"));
                }
                flag(&mut args, "mandatory", *mandatory);
                let call = format!("{chv}.basic_publish({})", args.join(", "));
                let call = self.noted(call, std::mem::take(&mut notes));
                let mut lines = if self.script && self.confirm.contains(&(conn.to_string(), ch)) {
                    // On a confirm channel pika waits for the broker's answer and raises when the
                    // message is nacked or (mandatory) returned; the playground goes on.
                    vec![
                        "try:".to_string(),
                        format!("    {call}"),
                        "except (pika.exceptions.NackError, pika.exceptions.UnroutableError) as error:".to_string(),
                        "    print(\"not confirmed:\", repr(error))".to_string(),
                    ]
                } else {
                    vec![call]
                };
                if looped {
                    lines = std::iter::once(format!("for n in range(1, {}):", u64::from(*count) + 1))
                        .chain(lines.into_iter().map(|l| format!("    {l}")))
                        .collect();
                }
                return lines;
            }
            Op::BasicGet { queue, no_ack } => {
                let mut args = vec![format!("queue={}", py_str(queue))];
                flag(&mut args, "auto_ack", *no_ack);
                format!("{chv}.basic_get({})", args.join(", "))
            }
            Op::BasicConsume {
                queue,
                consumer_tag,
                no_ack,
                exclusive,
                on_delivery,
            } => {
                let key = (conn.to_string(), ch, consumer_tag.clone());
                let name = self.callback_name(&key);
                let mut lines = pika_callback(&name, on_delivery, *no_ack, queue, &mut self.needs);
                let switchable = self.switchable.contains(&key);
                let callback = if switchable {
                    format!("lambda ch, method, properties, body: {name}(ch, method, properties, body)")
                } else {
                    name.clone()
                };
                let mut args = vec![
                    format!("queue={}", py_str(queue)),
                    format!("on_message_callback={callback}"),
                ];
                flag(&mut args, "auto_ack", *no_ack);
                flag(&mut args, "exclusive", *exclusive);
                if !consumer_tag.is_empty() {
                    args.push(format!("consumer_tag={}", py_str(consumer_tag)));
                }
                let call = format!("{chv}.basic_consume({})", args.join(", "));
                let comment = switchable.then(|| format!("looks {name} up at each delivery: a later def changes it"));
                lines.push(self.trailing(call, comment));
                return lines;
            }
            Op::BasicCancel { consumer_tag } => {
                format!("{chv}.basic_cancel(consumer_tag={})", py_str(consumer_tag))
            }
            Op::BasicQos { prefetch_count, global } => {
                let mut args = vec![format!("prefetch_count={prefetch_count}")];
                flag(&mut args, "global_qos", *global);
                format!("{chv}.basic_qos({})", args.join(", "))
            }
            Op::BasicAck {
                delivery_tag,
                consumer_tag,
                nth,
                multiple,
            } => {
                let (tag, comment) = self.settle_target(&chv, *delivery_tag, consumer_tag, *nth);
                let mut args = vec![format!("delivery_tag={tag}")];
                flag(&mut args, "multiple", *multiple);
                let line = self.trailing(format!("{chv}.basic_ack({})", args.join(", ")), comment);
                return self.guarded(&chv, *delivery_tag, consumer_tag, *nth, line);
            }
            Op::BasicNack {
                delivery_tag,
                consumer_tag,
                nth,
                multiple,
                requeue,
            } => {
                let (tag, comment) = self.settle_target(&chv, *delivery_tag, consumer_tag, *nth);
                let mut args = vec![format!("delivery_tag={tag}")];
                flag(&mut args, "multiple", *multiple);
                args.push(format!("requeue={}", py_bool(*requeue)));
                let line = self.trailing(format!("{chv}.basic_nack({})", args.join(", ")), comment);
                return self.guarded(&chv, *delivery_tag, consumer_tag, *nth, line);
            }
            Op::BasicReject {
                delivery_tag,
                consumer_tag,
                nth,
                requeue,
                ..
            } => {
                let (tag, comment) = self.settle_target(&chv, *delivery_tag, consumer_tag, *nth);
                let call = format!("{chv}.basic_reject(delivery_tag={tag}, requeue={})", py_bool(*requeue));
                let line = self.trailing(call, comment);
                return self.guarded(&chv, *delivery_tag, consumer_tag, *nth, line);
            }
            // pika's default is requeue=False, the playground's True: always pass it.
            Op::BasicRecover { requeue } => format!("{chv}.basic_recover(requeue={})", py_bool(*requeue)),
            Op::SetOnDelivery {
                consumer_tag,
                on_delivery,
            } => return self.set_on_delivery(conn, ch, consumer_tag, on_delivery),
            Op::ChannelClose {} => format!("{chv}.close()"),
            Op::ConnectionClose {} => format!("{}.close()", self.conn_var(conn)),
            Op::BrokerRestart {} => "# (broker restart: rabbitmqctl stop_app && rabbitmqctl start_app)".to_string(),
        };
        vec![self.noted(line, notes)]
    }

    fn py_arguments(&mut self, args: &mut Vec<String>, arguments: &Table, notes: &mut Vec<String>) {
        if !arguments.is_empty() {
            let table = py_table(arguments, "", notes, &mut self.needs);
            args.push(format!("arguments={table}"));
        }
    }

    fn py_properties(&mut self, p: &PublishProperties, looped: bool, notes: &mut Vec<String>) -> Option<String> {
        let b = &p.basic;
        let mut a = Vec::new();
        let text = |a: &mut Vec<String>, name: &str, v: &Option<String>| {
            if let Some(v) = v {
                a.push(format!("{name}={}", py_str(v)));
            }
        };
        let numbered = |a: &mut Vec<String>, name: &str, v: &Option<String>| {
            if let Some(v) = v {
                a.push(format!("{name}={}", py_numbered(v, looped)));
            }
        };
        text(&mut a, "content_type", &b.content_type);
        text(&mut a, "content_encoding", &b.content_encoding);
        if !p.headers.is_empty() {
            a.push(format!("headers={}", py_table(&p.headers, "", notes, &mut self.needs)));
        }
        if let Some(v) = b.delivery_mode {
            a.push(format!("delivery_mode={v}"));
        }
        if let Some(v) = b.priority {
            a.push(format!("priority={v}"));
        }
        numbered(&mut a, "correlation_id", &b.correlation_id);
        text(&mut a, "reply_to", &b.reply_to);
        text(&mut a, "expiration", &p.expiration);
        numbered(&mut a, "message_id", &b.message_id);
        if let Some(v) = b.timestamp {
            a.push(format!("timestamp={v}"));
        }
        numbered(&mut a, "type", &b.message_type);
        text(&mut a, "user_id", &b.user_id);
        numbered(&mut a, "app_id", &b.app_id);
        (!a.is_empty()).then(|| format!("pika.BasicProperties({})", a.join(", ")))
    }

    /// `set_on_delivery`: the consumer's callback is defined anew (its consume looks it up by name).
    fn set_on_delivery(&mut self, conn: &str, ch: u16, tag: &str, on_delivery: &OnDelivery) -> Vec<String> {
        let key = (conn.to_string(), ch, tag.to_string());
        let chv = self.chan_var(conn, ch);
        let (no_ack, queue) = if self.script {
            match self.consumers.get(&key) {
                Some(consumer) => consumer.clone(),
                None => {
                    return vec![self.comment(&format!(
                        "set_on_delivery: no consumer {} on {chv}, nothing changes (the playground skips it)",
                        tag_text(tag)
                    ))]
                }
            }
        } else {
            (false, UNKNOWN_QUEUE.to_string())
        };
        let name = self.callback_name(&key);
        let mut lines = vec![self.comment(&format!("From now on consumer {} does this:", tag_text(tag)))];
        lines.extend(match self.client {
            Client::Pika => pika_callback(&name, on_delivery, no_ack, &queue, &mut self.needs),
            Client::Java => java_callback(&name, &chv, on_delivery, no_ack, &queue, &mut self.needs),
        });
        lines
    }

    // -----------------------------------------------------------------------------------------
    // Java
    // -----------------------------------------------------------------------------------------

    fn java_lines(&mut self, a: &Action) -> Vec<String> {
        let (conn, ch) = (a.on.connection.as_str(), a.on.channel);
        let chv = self.chan_var(conn, ch);
        let mut notes = Vec::new();
        let line = match &a.op {
            Op::DeclareExchange {
                exchange,
                kind,
                durable,
                auto_delete,
                internal,
                passive,
                arguments,
            } => {
                let (name, kind) = (java_str(exchange), java_str(kind.as_str()));
                if *passive {
                    format!("{chv}.exchangeDeclarePassive({name});")
                } else if !*auto_delete && !*internal && arguments.is_empty() {
                    if *durable {
                        format!("{chv}.exchangeDeclare({name}, {kind}, true);")
                    } else {
                        format!("{chv}.exchangeDeclare({name}, {kind});")
                    }
                } else {
                    let args = self.java_arguments(arguments, &mut notes);
                    format!("{chv}.exchangeDeclare({name}, {kind}, {durable}, {auto_delete}, {internal}, {args});")
                }
            }
            Op::DeleteExchange { exchange, if_unused } => {
                if *if_unused {
                    format!("{chv}.exchangeDelete({}, true);", java_str(exchange))
                } else {
                    format!("{chv}.exchangeDelete({});", java_str(exchange))
                }
            }
            Op::DeclareQueue {
                queue,
                durable,
                exclusive,
                auto_delete,
                passive,
                arguments,
            } => {
                if *passive {
                    format!("{chv}.queueDeclarePassive({});", java_str(queue))
                } else {
                    let args = self.java_arguments(arguments, &mut notes);
                    format!(
                        "{chv}.queueDeclare({}, {durable}, {exclusive}, {auto_delete}, {args});",
                        java_str(queue)
                    )
                }
            }
            Op::DeleteQueue {
                queue,
                if_unused,
                if_empty,
            } => {
                if *if_unused || *if_empty {
                    format!("{chv}.queueDelete({}, {if_unused}, {if_empty});", java_str(queue))
                } else {
                    format!("{chv}.queueDelete({});", java_str(queue))
                }
            }
            Op::PurgeQueue { queue } => format!("{chv}.queuePurge({});", java_str(queue)),
            Op::BindQueue {
                queue: first,
                exchange: second,
                routing_key,
                arguments,
            }
            | Op::UnbindQueue {
                queue: first,
                exchange: second,
                routing_key,
                arguments,
            }
            | Op::BindExchange {
                destination: first,
                source: second,
                routing_key,
                arguments,
            }
            | Op::UnbindExchange {
                destination: first,
                source: second,
                routing_key,
                arguments,
            } => {
                let method = match a.op {
                    Op::BindQueue { .. } => "queueBind",
                    Op::UnbindQueue { .. } => "queueUnbind",
                    Op::BindExchange { .. } => "exchangeBind",
                    _ => "exchangeUnbind",
                };
                let mut args = vec![java_str(first), java_str(second), java_str(routing_key)];
                if !arguments.is_empty() {
                    args.push(self.java_arguments(arguments, &mut notes));
                }
                format!("{chv}.{method}({});", args.join(", "))
            }
            Op::ConfirmSelect {} => format!("{chv}.confirmSelect();"),
            Op::Publish {
                exchange,
                routing_key,
                body,
                mandatory,
                properties,
                count,
            } => {
                let looped = *count > 1;
                let (body, concatenated) = java_numbered(body, looped);
                let body = if concatenated {
                    format!("({body}).getBytes(UTF_8)")
                } else {
                    format!("{body}.getBytes(UTF_8)")
                };
                let props = self
                    .java_properties(properties, looped, &mut notes)
                    .unwrap_or_else(|| "null".into());
                let call = format!(
                    "{chv}.basicPublish({}, {}, {mandatory}, {props}, {body});",
                    java_str(exchange),
                    java_str(routing_key)
                );
                let call = self.noted(call, std::mem::take(&mut notes));
                if looped {
                    return vec![
                        format!("for (int n = 1; n <= {count}; n++) {{"),
                        format!("    {call}"),
                        "}".into(),
                    ];
                }
                call
            }
            Op::BasicGet { queue, no_ack } => format!("{chv}.basicGet({}, {no_ack});", java_str(queue)),
            Op::BasicConsume {
                queue,
                consumer_tag,
                no_ack,
                exclusive,
                on_delivery,
            } => {
                let key = (conn.to_string(), ch, consumer_tag.clone());
                let name = self.callback_name(&key);
                let mut lines = java_callback(&name, &chv, on_delivery, *no_ack, queue, &mut self.needs);
                let switchable = self.switchable.contains(&key);
                let callback = if switchable {
                    format!("(consumerTag, delivery) -> {name}.handle(consumerTag, delivery)")
                } else {
                    name.clone()
                };
                let (queue, tag) = (java_str(queue), java_str(consumer_tag));
                let call = if *exclusive {
                    format!("{chv}.basicConsume({queue}, {no_ack}, {tag}, false, true, null, {callback}, consumerTag -> {{ }});")
                } else {
                    format!("{chv}.basicConsume({queue}, {no_ack}, {tag}, {callback}, consumerTag -> {{ }});")
                };
                let comment = switchable.then(|| format!("looks {name} up at each delivery: assigning it changes it"));
                lines.push(self.trailing(call, comment));
                return lines;
            }
            Op::BasicCancel { consumer_tag } => format!("{chv}.basicCancel({});", java_str(consumer_tag)),
            Op::BasicQos { prefetch_count, global } => format!("{chv}.basicQos({prefetch_count}, {global});"),
            Op::BasicAck {
                delivery_tag,
                consumer_tag,
                nth,
                multiple,
            } => {
                let (tag, comment) = self.settle_target(&chv, *delivery_tag, consumer_tag, *nth);
                let line = self.trailing(format!("{chv}.basicAck({tag}, {multiple});"), comment);
                return self.guarded(&chv, *delivery_tag, consumer_tag, *nth, line);
            }
            Op::BasicNack {
                delivery_tag,
                consumer_tag,
                nth,
                multiple,
                requeue,
            } => {
                let (tag, comment) = self.settle_target(&chv, *delivery_tag, consumer_tag, *nth);
                let line = self.trailing(format!("{chv}.basicNack({tag}, {multiple}, {requeue});"), comment);
                return self.guarded(&chv, *delivery_tag, consumer_tag, *nth, line);
            }
            Op::BasicReject {
                delivery_tag,
                consumer_tag,
                nth,
                requeue,
                ..
            } => {
                let (tag, comment) = self.settle_target(&chv, *delivery_tag, consumer_tag, *nth);
                let line = self.trailing(format!("{chv}.basicReject({tag}, {requeue});"), comment);
                return self.guarded(&chv, *delivery_tag, consumer_tag, *nth, line);
            }
            Op::BasicRecover { requeue } => format!("{chv}.basicRecover({requeue});"),
            Op::SetOnDelivery {
                consumer_tag,
                on_delivery,
            } => return self.set_on_delivery(conn, ch, consumer_tag, on_delivery),
            Op::ChannelClose {} => format!("{chv}.close();"),
            Op::ConnectionClose {} => format!("{}.close();", self.conn_var(conn)),
            Op::BrokerRestart {} => "// (broker restart: rabbitmqctl stop_app && rabbitmqctl start_app)".to_string(),
        };
        vec![self.noted(line, notes)]
    }

    fn java_arguments(&mut self, arguments: &Table, notes: &mut Vec<String>) -> String {
        if arguments.is_empty() {
            "null".into()
        } else {
            java_table(arguments, "", notes, &mut self.needs)
        }
    }

    fn java_properties(&mut self, p: &PublishProperties, looped: bool, notes: &mut Vec<String>) -> Option<String> {
        let b = &p.basic;
        let mut a = String::new();
        let text = |a: &mut String, name: &str, v: &Option<String>| {
            if let Some(v) = v {
                a.push_str(&format!(".{name}({})", java_str(v)));
            }
        };
        let numbered = |a: &mut String, name: &str, v: &Option<String>| {
            if let Some(v) = v {
                a.push_str(&format!(".{name}({})", java_numbered(v, looped).0));
            }
        };
        text(&mut a, "contentType", &b.content_type);
        text(&mut a, "contentEncoding", &b.content_encoding);
        if !p.headers.is_empty() {
            let headers = java_table(&p.headers, "", notes, &mut self.needs);
            a.push_str(&format!(".headers({headers})"));
        }
        if let Some(v) = b.delivery_mode {
            a.push_str(&format!(".deliveryMode({v})"));
        }
        if let Some(v) = b.priority {
            a.push_str(&format!(".priority({v})"));
        }
        numbered(&mut a, "correlationId", &b.correlation_id);
        text(&mut a, "replyTo", &b.reply_to);
        text(&mut a, "expiration", &p.expiration);
        numbered(&mut a, "messageId", &b.message_id);
        if let Some(v) = b.timestamp {
            a.push_str(&format!(".timestamp(new Date({v}L * 1000))"));
        }
        numbered(&mut a, "type", &b.message_type);
        text(&mut a, "userId", &b.user_id);
        numbered(&mut a, "appId", &b.app_id);
        (!a.is_empty()).then(|| format!("new AMQP.BasicProperties.Builder(){a}.build()"))
    }
}

// ---------------------------------------------------------------------------------------------
// Consumer callbacks
// ---------------------------------------------------------------------------------------------

/// What a callback does after recording the delivery: the settle it sends after waiting, or why
/// it sends none.
enum Behaviour<'a> {
    After(u64, Settle<'a>),
    Leave(&'static str),
}

enum Settle<'a> {
    Ack,
    Reject(bool),
    Nack(bool),
    /// Publish this body to the delivery's `reply_to` with its `correlation_id`, then ack.
    Reply(&'a str),
    /// Reject without requeue until `x-death` counts `attempts` rejections from `queue`, then
    /// publish the message to the park exchange and ack.
    RetryThenPark {
        queue: &'a str,
        attempts: u64,
        exchange: &'a str,
        routing_key: &'a str,
    },
}

/// The placeholder for the queue a callback consumes from, when [`call`] renders a
/// `set_on_delivery` on its own.
const UNKNOWN_QUEUE: &str = "<the consumer's queue>";

fn behaviour<'a>(on_delivery: &'a OnDelivery, no_ack: bool, queue: &'a str) -> Behaviour<'a> {
    let settle = match on_delivery {
        OnDelivery::Nothing => return Behaviour::Leave("left unacked: the script settles it"),
        OnDelivery::Ack { after_ms } => Behaviour::After(*after_ms, Settle::Ack),
        OnDelivery::Reject { after_ms, requeue } => Behaviour::After(*after_ms, Settle::Reject(*requeue)),
        OnDelivery::Nack { after_ms, requeue } => Behaviour::After(*after_ms, Settle::Nack(*requeue)),
        OnDelivery::Reply { after_ms, body } => Behaviour::After(*after_ms, Settle::Reply(body)),
        OnDelivery::RetryThenPark {
            after_ms,
            attempts,
            park_exchange,
            park_routing_key,
        } => Behaviour::After(
            *after_ms,
            Settle::RetryThenPark {
                queue,
                attempts: *attempts,
                exchange: park_exchange,
                routing_key: park_routing_key,
            },
        ),
    };
    if no_ack {
        // The playground runs no callback for an auto-ack consumer's deliveries.
        Behaviour::Leave("auto_ack: the broker already counts it acked, nothing to settle")
    } else {
        settle
    }
}

fn pika_callback(name: &str, on_delivery: &OnDelivery, no_ack: bool, queue: &str, needs: &mut Needs) -> Vec<String> {
    let mut lines = vec![format!("def {name}(ch, method, properties, body):")];
    let (after_ms, settle) = match behaviour(on_delivery, no_ack, queue) {
        Behaviour::Leave(why) => {
            lines.push(format!("    record(ch, method)  # {why}"));
            return lines;
        }
        Behaviour::After(after_ms, settle) => (after_ms, settle),
    };
    lines.push("    record(ch, method)".into());
    if after_ms > 0 {
        lines.push(format!("    time.sleep({})", seconds(after_ms)));
    }
    let ack = "    ch.basic_ack(delivery_tag=method.delivery_tag)";
    match settle {
        Settle::Ack => lines.push(ack.into()),
        Settle::Reject(requeue) => lines.push(format!(
            "    ch.basic_reject(delivery_tag=method.delivery_tag, requeue={})",
            py_bool(requeue)
        )),
        Settle::Nack(requeue) => lines.push(format!(
            "    ch.basic_nack(delivery_tag=method.delivery_tag, requeue={})",
            py_bool(requeue)
        )),
        Settle::Reply(body) => {
            lines.push("    if properties.reply_to is not None:".into());
            lines.push(format!(
                "        ch.basic_publish(exchange=\"\", routing_key=properties.reply_to, body={}, \
                 properties=pika.BasicProperties(correlation_id=properties.correlation_id))",
                py_str(body)
            ));
            lines.push(ack.into());
        }
        Settle::RetryThenPark {
            queue,
            attempts,
            exchange,
            routing_key,
        } => {
            needs.rejections = true;
            let comment = if queue == UNKNOWN_QUEUE {
                "  # the queue it consumes from"
            } else {
                ""
            };
            lines.push(format!(
                "    if rejections_from(properties, {}) < {attempts}:{comment}",
                py_str(queue)
            ));
            lines.push("        ch.basic_reject(delivery_tag=method.delivery_tag, requeue=False)".into());
            lines.push("    else:".into());
            lines.push(format!(
                "        ch.basic_publish(exchange={}, routing_key={}, body=body, properties=properties)",
                py_str(exchange),
                py_str(routing_key)
            ));
            lines.push(format!("    {ack}"));
        }
    }
    lines
}

fn java_callback(
    name: &str,
    chv: &str,
    on_delivery: &OnDelivery,
    no_ack: bool,
    queue: &str,
    needs: &mut Needs,
) -> Vec<String> {
    let (after_ms, settle) = match behaviour(on_delivery, no_ack, queue) {
        Behaviour::Leave(why) => {
            return vec![format!(
                "{name} = (consumerTag, delivery) -> record({chv}, consumerTag, delivery); // {why}"
            )]
        }
        Behaviour::After(after_ms, settle) => (after_ms, settle),
    };
    let mut lines = vec![
        format!("{name} = (consumerTag, delivery) -> {{"),
        format!("    record({chv}, consumerTag, delivery);"),
    ];
    if after_ms > 0 {
        lines.push(format!(
            "    try {{ Thread.sleep({after_ms}); }} catch (InterruptedException e) {{ return; }}"
        ));
    }
    let tag = "delivery.getEnvelope().getDeliveryTag()";
    let ack = format!("    {chv}.basicAck({tag}, false);");
    match settle {
        Settle::Ack => lines.push(ack),
        Settle::Reject(requeue) => lines.push(format!("    {chv}.basicReject({tag}, {requeue});")),
        Settle::Nack(requeue) => lines.push(format!("    {chv}.basicNack({tag}, false, {requeue});")),
        Settle::Reply(body) => {
            lines.push("    AMQP.BasicProperties request = delivery.getProperties();".into());
            lines.push("    if (request.getReplyTo() != null) {".into());
            lines.push(format!(
                "        {chv}.basicPublish(\"\", request.getReplyTo(), false, \
                 new AMQP.BasicProperties.Builder().correlationId(request.getCorrelationId()).build(), \
                 {}.getBytes(UTF_8));",
                java_str(body)
            ));
            lines.push("    }".into());
            lines.push(ack);
        }
        Settle::RetryThenPark {
            queue,
            attempts,
            exchange,
            routing_key,
        } => {
            needs.rejections = true;
            let comment = if queue == UNKNOWN_QUEUE {
                " // the queue it consumes from"
            } else {
                ""
            };
            lines.push(format!(
                "    if (rejectionsFrom(delivery.getProperties(), {}) < {attempts}L) {{{comment}",
                java_str(queue)
            ));
            lines.push(format!("        {chv}.basicReject({tag}, false);"));
            lines.push("    } else {".into());
            lines.push(format!(
                "        {chv}.basicPublish({}, {}, false, delivery.getProperties(), delivery.getBody());",
                java_str(exchange),
                java_str(routing_key)
            ));
            lines.push(format!("    {ack}"));
            lines.push("    }".into());
        }
    }
    lines.push("};".into());
    lines
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// The words of a name: runs of letters and digits.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphabetic()) {
            word.push(c);
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The start of a connection's variable names: `worker-a` is pika `worker_a`, Java `workerA`.
fn base_ident(client: Client, name: &str) -> String {
    let words = words(name);
    let mut ident = match client {
        Client::Pika => words.join("_"),
        Client::Java => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.clone() } else { capitalized(w) })
            .collect(),
    };
    if !ident.chars().next().is_some_and(char::is_alphabetic) {
        ident.insert(0, 'x');
    }
    ident
}

/// A consumer's callback: tag `a` is pika `on_a`, Java `onA`.
fn callback_ident(client: Client, tag: &str) -> String {
    let words = words(tag);
    match client {
        Client::Pika if words.is_empty() => "on_message".into(),
        Client::Pika => format!("on_{}", words.join("_")),
        Client::Java if words.is_empty() => "onMessage".into(),
        Client::Java => format!("on{}", words.iter().map(|w| capitalized(w)).collect::<String>()),
    }
}

/// A consumer tag as comment text.
fn tag_text(tag: &str) -> String {
    if tag.is_empty() {
        "\"\"".into()
    } else {
        comment_safe(tag)
    }
}

/// Text from the scenario made safe for a one-line comment in either language: no line breaks,
/// and no backslash that Java could read as a `\u` escape.
fn comment_safe(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\x{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Milliseconds as Python seconds: 500 is `0.5`, 2000 is `2`.
fn seconds(ms: u64) -> String {
    if ms % 1000 == 0 {
        return (ms / 1000).to_string();
    }
    let fraction = format!("{:03}", ms % 1000);
    format!("{}.{}", ms / 1000, fraction.trim_end_matches('0'))
}

fn flag(args: &mut Vec<String>, name: &str, on: bool) {
    if on {
        args.push(format!("{name}=True"));
    }
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

// ---------------------------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------------------------

/// Characters written as escapes in both languages' literals: controls and the Unicode line and
/// paragraph separators.
fn needs_escape(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

fn push_py_char(out: &mut String, c: char, fstring: bool) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '{' if fstring => out.push_str("{{"),
        '}' if fstring => out.push_str("}}"),
        c if needs_escape(c) && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}

/// A Python string literal.
fn py_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        push_py_char(&mut out, c, false);
    }
    out.push('"');
    out
}

/// A string a publish numbers: in a loop, an f-string with `{n}`; otherwise `{n}` is 1, as the
/// playground publishes one copy numbered 1.
fn py_numbered(s: &str, looped: bool) -> String {
    if !looped {
        return py_str(&s.replace("{n}", "1"));
    }
    if !s.contains("{n}") {
        return py_str(s);
    }
    let mut out = String::from("f\"");
    for (i, part) in s.split("{n}").enumerate() {
        if i > 0 {
            out.push_str("{n}");
        }
        for c in part.chars() {
            push_py_char(&mut out, c, true);
        }
    }
    out.push('"');
    out
}

fn py_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// A Java string literal. A control character becomes `\uXXXX` (never a line break, which Java
/// reads before it reads the literal).
fn java_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn java_or_py_str(client: Client, s: &str) -> String {
    match client {
        Client::Pika => py_str(s),
        Client::Java => java_str(s),
    }
}

/// [`py_numbered`] for Java: a concatenation with the loop's `n` (and whether it is one).
fn java_numbered(s: &str, looped: bool) -> (String, bool) {
    if !looped {
        return (java_str(&s.replace("{n}", "1")), false);
    }
    if !s.contains("{n}") {
        return (java_str(s), false);
    }
    let mut terms: Vec<String> = Vec::new();
    for (i, part) in s.split("{n}").enumerate() {
        if i > 0 {
            terms.push("n".into());
        }
        if !part.is_empty() {
            terms.push(java_str(part));
        }
    }
    if terms.first().is_some_and(|t| t == "n") {
        terms[0] = "String.valueOf(n)".into();
    }
    let concatenated = terms.len() > 1;
    (terms.join(" + "), concatenated)
}

/// A decimal's digits with its scale: value 150, scale 2 is `1.50`.
fn decimal_text(scale: u8, value: u32) -> String {
    let digits = value.to_string();
    let scale = usize::from(scale);
    if scale == 0 {
        return digits;
    }
    let digits = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = digits.split_at(digits.len() - scale);
    format!("{whole}.{fraction}")
}

fn key_path(path: &str, key: &str) -> String {
    let key = comment_safe(key);
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

fn py_float(x: f64) -> String {
    if x.is_nan() {
        "float(\"nan\")".into()
    } else if x.is_infinite() {
        if x > 0.0 { "float(\"inf\")" } else { "float(\"-inf\")" }.into()
    } else {
        format!("{x:?}")
    }
}

/// A field table as a Python dict; `notes` gets the values pika would send with another type.
fn py_table(t: &Table, path: &str, notes: &mut Vec<String>, needs: &mut Needs) -> String {
    let mut seen = BTreeSet::new();
    let mut entries = Vec::new();
    for (key, value) in t {
        let p = key_path(path, key);
        if !seen.insert(key.as_str()) {
            notes.push(format!("{p}: the key repeats, a dict keeps only its last value"));
        }
        entries.push(format!("{}: {}", py_str(key), py_value(value, &p, notes, needs)));
    }
    format!("{{{}}}", entries.join(", "))
}

fn py_value(v: &FieldValue, path: &str, notes: &mut Vec<String>, needs: &mut Needs) -> String {
    let mut note = |what: &str| notes.push(format!("{path}: {what}"));
    match v {
        FieldValue::Bool(b) => py_bool(*b).into(),
        FieldValue::Byte(n) => {
            note("byte");
            n.to_string()
        }
        FieldValue::UnsignedByte(n) => {
            note("unsignedbyte");
            n.to_string()
        }
        FieldValue::Short(n) => {
            note("short");
            n.to_string()
        }
        FieldValue::UnsignedShort(n) => {
            note("unsignedshort");
            n.to_string()
        }
        FieldValue::SignedInt(n) => n.to_string(),
        FieldValue::UnsignedInt(n) => {
            note("unsignedint");
            n.to_string()
        }
        FieldValue::Long(n) => {
            // pika sends an int that fits in 32 bits as a signedint, a larger one as a long.
            if i32::try_from(*n).is_ok() {
                note("long");
            }
            n.to_string()
        }
        FieldValue::Float(x) => {
            note("float, which pika 1.3 cannot send");
            py_float(f64::from(*x))
        }
        FieldValue::Double(x) => {
            note("double, which pika 1.3 cannot send");
            py_float(*x)
        }
        FieldValue::Decimal { scale, value } => {
            needs.decimal = true;
            if i32::try_from(*value).is_err() {
                note("decimal too large for pika to send");
            } else if *scale > 0 && value % 10 == 0 {
                note(&format!("decimal of scale {scale}, which pika normalizes"));
            }
            format!("decimal.Decimal({})", py_str(&decimal_text(*scale, *value)))
        }
        FieldValue::LongStr(s) => py_str(s),
        FieldValue::Binary(b) => py_bytes(b),
        FieldValue::Timestamp(t) => {
            needs.datetime = true;
            if *t > 253_402_300_799 {
                note("timestamp beyond the year 9999, which datetime cannot hold");
            }
            format!("datetime.datetime.fromtimestamp({t}, datetime.timezone.utc)")
        }
        FieldValue::Table(t) => py_table(t, path, notes, needs),
        FieldValue::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, item)| py_value(item, &format!("{path}[{i}]"), notes, needs))
                .collect();
            format!("[{}]", items.join(", "))
        }
        FieldValue::Void => "None".into(),
    }
}

fn java_float(x: f32) -> String {
    if x.is_nan() {
        "Float.NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Float.POSITIVE_INFINITY"
        } else {
            "Float.NEGATIVE_INFINITY"
        }
        .into()
    } else {
        format!("{x:?}f")
    }
}

fn java_double(x: f64) -> String {
    if x.is_nan() {
        "Double.NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 {
            "Double.POSITIVE_INFINITY"
        } else {
            "Double.NEGATIVE_INFINITY"
        }
        .into()
    } else {
        format!("{x:?}")
    }
}

/// A field table as a Java map: `Map.of` (`Map.ofEntries` past 10 entries), or the script's
/// ordered `table(...)` when a key repeats or a value is void (null), which `Map.of` refuses.
fn java_table(t: &Table, path: &str, notes: &mut Vec<String>, needs: &mut Needs) -> String {
    if t.is_empty() {
        return "Map.of()".into();
    }
    let mut seen = BTreeSet::new();
    let mut repeats = false;
    let mut entries = Vec::new();
    for (key, value) in t {
        let p = key_path(path, key);
        if !seen.insert(key.as_str()) {
            repeats = true;
            notes.push(format!("{p}: the key repeats, a map keeps only its last value"));
        }
        entries.push((java_str(key), java_value(value, &p, notes, needs)));
    }
    let has_void = t.iter().any(|(_, v)| matches!(v, FieldValue::Void));
    let flat = || {
        entries
            .iter()
            .map(|(k, v)| format!("{k}, {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if repeats || has_void {
        needs.table_helper = true;
        format!("table({})", flat())
    } else if entries.len() <= 10 {
        format!("Map.of({})", flat())
    } else {
        let entries: Vec<String> = entries.iter().map(|(k, v)| format!("Map.entry({k}, {v})")).collect();
        format!("Map.ofEntries({})", entries.join(", "))
    }
}

fn java_value(v: &FieldValue, path: &str, notes: &mut Vec<String>, needs: &mut Needs) -> String {
    let mut note = |what: &str| notes.push(format!("{path}: {what}"));
    match v {
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::Byte(n) => format!("(byte) {n}"),
        FieldValue::UnsignedByte(n) => {
            note("unsignedbyte");
            format!("(short) {n}")
        }
        FieldValue::Short(n) => format!("(short) {n}"),
        FieldValue::UnsignedShort(n) => {
            note("unsignedshort");
            n.to_string()
        }
        FieldValue::SignedInt(n) => n.to_string(),
        FieldValue::UnsignedInt(n) => {
            note("unsignedint");
            format!("{n}L")
        }
        FieldValue::Long(n) => format!("{n}L"),
        FieldValue::Float(x) => java_float(*x),
        FieldValue::Double(x) => java_double(*x),
        FieldValue::Decimal { scale, value } => {
            needs.big_decimal = true;
            if i32::try_from(*value).is_err() {
                note("decimal too large for the Java client to send");
            }
            format!("new BigDecimal({})", java_str(&decimal_text(*scale, *value)))
        }
        FieldValue::LongStr(s) => java_str(s),
        FieldValue::Binary(b) if b.is_empty() => "new byte[0]".into(),
        FieldValue::Binary(b) => {
            let bytes: Vec<String> = b.iter().map(|x| (*x as i8).to_string()).collect();
            format!("new byte[] {{{}}}", bytes.join(", "))
        }
        FieldValue::Timestamp(t) => {
            if *t > i64::MAX as u64 / 1000 {
                note("timestamp too large for java.util.Date");
            }
            format!("new Date({t}L * 1000)")
        }
        FieldValue::Table(t) => java_table(t, path, notes, needs),
        FieldValue::Array(items) => {
            let has_void = items.iter().any(|v| matches!(v, FieldValue::Void));
            let rendered: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    // `Arrays.asList(null)` would pass a null array, not one null element.
                    FieldValue::Void if items.len() == 1 => "(Object) null".into(),
                    _ => java_value(item, &format!("{path}[{i}]"), notes, needs),
                })
                .collect();
            if has_void {
                format!("Arrays.asList({})", rendered.join(", "))
            } else {
                format!("List.of({})", rendered.join(", "))
            }
        }
        FieldValue::Void => "null".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqplay_core::scenario::Action as ScenarioAction;
    use mqplay_core::Scenario;
    use std::process::Command;

    const ROUTING: &str = include_str!("../../../tests/golden/rabbit-routing.scenario.json");
    const DLX_TTL: &str = include_str!("../../../tests/golden/rabbit-dlx-ttl.scenario.json");
    const OVERFLOW: &str = include_str!("../../../tests/golden/rabbit-overflow-quorum.scenario.json");
    const PREFETCH: &str = include_str!("../../../tests/golden/rabbit-prefetch-requeue.scenario.json");
    const RESTART: &str = include_str!("../../../tests/golden/rabbit-restart-lifetimes.scenario.json");

    /// A golden scenario's RabbitMQ setup and timed actions, in run order.
    struct Loaded {
        setup: Vec<Action>,
        actions: Vec<(u64, Action)>,
    }

    fn load(json: &str) -> Loaded {
        let scenario = Scenario::from_json(json).unwrap_or_else(|e| panic!("the golden scenario loads: {e:?}"));
        let setup = scenario.rabbitmq.as_ref().map(|r| r.setup.clone()).unwrap_or_default();
        let mut actions: Vec<(u64, Action)> = scenario
            .actions
            .iter()
            .filter_map(|t| match &t.action {
                ScenarioAction::Rabbitmq(a) => Some((t.at_ms, a.clone())),
                _ => None,
            })
            .collect();
        actions.sort_by_key(|(at, _)| *at);
        Loaded { setup, actions }
    }

    impl Loaded {
        /// Adds a timed action written as in a scenario document.
        fn with(mut self, at_ms: u64, json: &str) -> Loaded {
            let action: Action = serde_json::from_str(json).expect("the extra action parses");
            self.actions.push((at_ms, action));
            self.actions.sort_by_key(|(at, _)| *at);
            self
        }

        fn render(&self, client: Client) -> String {
            let actions: Vec<(u64, &Action)> = self.actions.iter().map(|(at, a)| (*at, a)).collect();
            script(client, &self.setup, &actions)
        }

        /// Both scripts; the Python one is also checked to compile.
        fn both(&self, name: &str) -> (String, String) {
            let pika = self.render(Client::Pika);
            python_compiles(name, &pika);
            let java = self.render(Client::Java);
            dump(name, &pika, &java);
            (pika, java)
        }
    }

    #[track_caller]
    fn has_line(text: &str, line: &str) {
        assert!(text.lines().any(|l| l.trim() == line), "no line `{line}` in:\n{text}");
    }

    #[track_caller]
    fn has(text: &str, part: &str) {
        assert!(text.contains(part), "no `{part}` in:\n{text}");
    }

    /// The index of the first line equal to `line` (trimmed).
    #[track_caller]
    fn line_index(text: &str, line: &str) -> usize {
        text.lines()
            .position(|l| l.trim() == line)
            .unwrap_or_else(|| panic!("no line `{line}` in:\n{text}"))
    }

    /// Compiles the script with `python3 -m py_compile` when python3 is there.
    fn python_compiles(name: &str, source: &str) {
        let available = Command::new("python3")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !available {
            return;
        }
        let dir = std::env::temp_dir().join(format!("mqplay-code-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp folder");
        let file = dir.join("scenario.py");
        std::fs::write(&file, source).expect("the script is written");
        let out = Command::new("python3")
            .arg("-m")
            .arg("py_compile")
            .arg(&file)
            .output()
            .expect("python3 runs");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            out.status.success(),
            "the pika script does not compile: {}\n{source}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn routing_headers_bindings_and_exchange_to_exchange() {
        let (pika, java) = load(ROUTING).both("routing-bindings");
        has_line(
            &pika,
            r#"app_ch1.exchange_declare(exchange="docs", exchange_type="headers", arguments={"alternate-exchange": "unrouted"})"#,
        );
        has_line(
            &pika,
            r#"app_ch1.queue_bind(queue="pdf-reports", exchange="docs", routing_key="", arguments={"x-match": "all", "format": "pdf", "type": "report"})"#,
        );
        // signedint is what pika sends for a Python int: no type note.
        has_line(
            &pika,
            r#"app_ch1.queue_bind(queue="any-report", exchange="docs", routing_key="", arguments={"x-match": "any", "type": "report", "pages": 10})"#,
        );
        has_line(
            &pika,
            r#"app_ch1.exchange_bind(destination="mirror", source="docs", routing_key="", arguments={"x-match": "any", "region": "eu"})"#,
        );
        has_line(
            &pika,
            r##"app_ch1.queue_bind(queue="eu", exchange="mirror", routing_key="#")"##,
        );
        has_line(
            &java,
            r#"appCh1.exchangeDeclare("docs", "headers", false, false, false, Map.of("alternate-exchange", "unrouted"));"#,
        );
        has_line(
            &java,
            r#"appCh1.queueBind("pdf-reports", "docs", "", Map.of("x-match", "all", "format", "pdf", "type", "report"));"#,
        );
        has_line(
            &java,
            r#"appCh1.queueBind("any-report", "docs", "", Map.of("x-match", "any", "type", "report", "pages", 10));"#,
        );
        has_line(
            &java,
            r#"appCh1.exchangeBind("mirror", "docs", "", Map.of("x-match", "any", "region", "eu"));"#,
        );
        has_line(
            &java,
            r#"appCh1.queueDeclare("pdf-reports", false, false, false, null);"#,
        );
        has_line(&java, r#"appCh1.exchangeDeclare("unrouted", "fanout");"#);
    }

    #[test]
    fn routing_publishes_with_headers_and_cc() {
        let (pika, java) = load(ROUTING).both("routing-publish");
        has_line(
            &pika,
            r#"app_ch1.basic_publish(exchange="docs", routing_key="", body="pdf report", properties=pika.BasicProperties(headers={"format": "pdf", "type": "report"}))"#,
        );
        // A long header of 10: pika would send a signedint, so the line says so.
        has_line(
            &pika,
            r#"app_ch1.basic_publish(exchange="docs", routing_key="", body="ten pages", properties=pika.BasicProperties(headers={"pages": 10, "region": "eu"}))  # pages: long"#,
        );
        has_line(
            &pika,
            r#"app_ch1.basic_publish(exchange="", routing_key="eu", body="copied", properties=pika.BasicProperties(headers={"CC": ["leftovers"], "BCC": ["any-report"]}))"#,
        );
        has_line(&pika, r#"app_ch1.basic_get(queue="any-report", auto_ack=True)"#);
        has(&pika, "# A trailing \"# key: type\" names the AMQP type");
        has_line(
            &java,
            r#"appCh1.basicPublish("docs", "", false, new AMQP.BasicProperties.Builder().headers(Map.of("pages", 10L, "region", "eu")).build(), "ten pages".getBytes(UTF_8));"#,
        );
        has_line(
            &java,
            r#"appCh1.basicPublish("", "eu", false, new AMQP.BasicProperties.Builder().headers(Map.of("CC", List.of("leftovers"), "BCC", List.of("any-report"))).build(), "copied".getBytes(UTF_8));"#,
        );
        has_line(&java, r#"appCh1.basicGet("leftovers", true);"#);
        // The Java client sends a Long as a long: no note, and no explanation of notes.
        assert!(!java.contains("key: type"), "{java}");
        // Each timed action has its virtual time and waits for it once.
        has_line(&pika, "# at 50 ms");
        has_line(&java, "// at 60 ms");
        assert_eq!(pika.matches("\nwait_until(50)\n").count(), 1, "{pika}");
        assert_eq!(java.matches("waitUntil(60);").count(), 1, "{java}");
    }

    #[test]
    fn dlx_ttl_arguments_properties_and_mandatory() {
        let (pika, java) = load(DLX_TTL).both("dlx-ttl");
        has_line(
            &pika,
            r#"app_ch1.queue_declare(queue="orders.wait", durable=True, arguments={"x-message-ttl": 1000, "x-dead-letter-exchange": "orders.dlx"})  # x-message-ttl: long"#,
        );
        has_line(
            &pika,
            r#"app_ch1.exchange_declare(exchange="orders", exchange_type="topic", durable=True)"#,
        );
        has_line(
            &pika,
            r#"app_ch1.basic_publish(exchange="orders", routing_key="order.paid", body="short", properties=pika.BasicProperties(delivery_mode=2, expiration="10"))"#,
        );
        has_line(
            &pika,
            r#"app_ch1.basic_publish(exchange="orders", routing_key="nomatch", body="lost", mandatory=True)"#,
        );
        has_line(&pika, "app_ch1.basic_ack(delivery_tag=1)");
        has_line(
            &java,
            r#"appCh1.queueDeclare("orders.wait", true, false, false, Map.of("x-message-ttl", 1000L, "x-dead-letter-exchange", "orders.dlx"));"#,
        );
        has_line(&java, r#"appCh1.exchangeDeclare("orders", "topic", true);"#);
        has_line(
            &java,
            r#"appCh1.basicPublish("orders", "order.paid", false, new AMQP.BasicProperties.Builder().deliveryMode(2).expiration("10").build(), "short".getBytes(UTF_8));"#,
        );
        has_line(
            &java,
            r#"appCh1.basicPublish("orders", "nomatch", true, null, "lost".getBytes(UTF_8));"#,
        );
        has_line(&java, r#"appCh1.basicGet("orders.dead", false);"#);
        has_line(&java, "appCh1.basicAck(1, false);");
        // The order of a script: preamble, setup, then the timed actions with their times.
        let open = line_index(&pika, r#"app_ch1 = app_conn.channel(channel_number=1)"#);
        let setup = line_index(&pika, "# setup, at 0 ms");
        let at = line_index(&pika, "# at 2000 ms");
        assert!(open < setup && setup < at, "{pika}");
        assert_eq!(line_index(&pika, "wait_until(2000)"), at + 1, "{pika}");
        has_line(&pika, r#"app_conn = connect("app")"#);
        has_line(&java, r#"appConn = factory.newConnection("app");"#);
        // Each method is a step, which reports the broker's error and goes on, as the playground does.
        let declare = line_index(&pika, r#"app_ch1.queue_declare(queue="orders.dead", durable=True)"#);
        assert_eq!(pika.lines().nth(declare - 1), Some(r#"with step("app_ch1"):"#));
        let declare = line_index(
            &java,
            r#"appCh1.queueDeclare("orders.dead", true, false, false, null);"#,
        );
        assert_eq!(
            java.lines().nth(declare - 1).map(str::trim),
            Some(r#"step("appCh1", () -> {"#)
        );
        assert_eq!(java.lines().nth(declare + 1).map(str::trim), Some("});"));
        has(&pika, "    except pika.exceptions.AMQPError as error:");
        has(&java, "    static void step(String channel, Step step) {");
        has_line(&java, "appCh1 = appConn.createChannel(1);");
        has_line(&java, "factory.setUsername(\"guest\");");
    }

    #[test]
    fn overflow_quorum_arguments_confirms_and_global_qos() {
        let (pika, java) = load(OVERFLOW).both("overflow-arguments");
        has_line(
            &pika,
            r#"app_ch1.queue_declare(queue="jobs.quorum", durable=True, arguments={"x-queue-type": "quorum", "x-delivery-limit": 1, "x-dead-letter-exchange": "dlx"})  # x-delivery-limit: long"#,
        );
        has_line(
            &pika,
            r#"app_ch1.queue_declare(queue="jobs.bounded", arguments={"x-max-length": 2, "x-overflow": "reject-publish"})"#,
        );
        has_line(&pika, "g_ch1.basic_qos(prefetch_count=5, global_qos=True)");
        has_line(&pika, "producer_ch1.confirm_delivery()");
        has_line(&pika, r#"app_ch1.queue_declare(queue="parking", passive=True)"#);
        has_line(&pika, r#"app_ch1.queue_delete(queue="jobs.head", if_empty=True)"#);
        has_line(&pika, "app_ch1.basic_nack(delivery_tag=2, multiple=True, requeue=True)");
        has_line(
            &java,
            r#"appCh1.queueDeclare("jobs.quorum", true, false, false, Map.of("x-queue-type", "quorum", "x-delivery-limit", 1L, "x-dead-letter-exchange", "dlx"));"#,
        );
        has_line(
            &java,
            r#"appCh1.queueDeclare("jobs.bounded", false, false, false, Map.of("x-max-length", 2, "x-overflow", "reject-publish"));"#,
        );
        has_line(&java, "gCh1.basicQos(5, true);");
        has_line(&java, "producerCh1.confirmSelect();");
        has_line(&java, r#"appCh1.queueDeclarePassive("parking");"#);
        has_line(&java, r#"appCh1.queueDelete("jobs.head", false, true);"#);
        has_line(&java, "appCh1.basicNack(2, true, true);");
        // Every connection the script uses is opened first, each under its own name.
        for conn in ["app", "producer", "flaky", "g"] {
            has_line(&pika, &format!("{conn}_conn = connect(\"{conn}\")"));
            has_line(&java, &format!("{conn}Conn = factory.newConnection(\"{conn}\");"));
        }
    }

    #[test]
    fn overflow_publish_loops_and_the_reject_callback() {
        let (pika, java) = load(OVERFLOW).both("overflow-loops");
        // count 3: a loop with {n}, and pika's confirm channel raises on a nack, which the
        // playground shows and goes past.
        let for_line = line_index(&pika, "for n in range(1, 4):");
        let lines: Vec<&str> = pika.lines().map(str::trim).collect();
        assert_eq!(lines[for_line + 1], "try:", "{pika}");
        assert_eq!(
            lines[for_line + 2],
            r#"producer_ch1.basic_publish(exchange="", routing_key="jobs.bounded", body=f"b{n}")"#
        );
        assert_eq!(
            lines[for_line + 3],
            "except (pika.exceptions.NackError, pika.exceptions.UnroutableError) as error:"
        );
        // Not a confirm channel: a plain publish.
        has_line(
            &pika,
            r#"app_ch1.basic_publish(exchange="nope", routing_key="", body="x")"#,
        );
        has_line(&java, "for (int n = 1; n <= 3; n++) {");
        has_line(
            &java,
            r#"producerCh1.basicPublish("", "jobs.bounded", false, null, ("b" + n).getBytes(UTF_8));"#,
        );
        has_line(
            &java,
            r#"producerCh1.basicPublish("", "jobs.quorum", false, null, "poison".getBytes(UTF_8));"#,
        );
        // The on_delivery callback, defined before the consume that uses it.
        let def = line_index(&pika, "def on_flaky(ch, method, properties, body):");
        assert_eq!(lines[def + 1], "record(ch, method)");
        assert_eq!(lines[def + 2], "time.sleep(0.1)");
        assert_eq!(
            lines[def + 3],
            "ch.basic_reject(delivery_tag=method.delivery_tag, requeue=True)"
        );
        let consume = line_index(
            &pika,
            r#"flaky_ch1.basic_consume(queue="jobs.quorum", on_message_callback=on_flaky, consumer_tag="flaky")"#,
        );
        assert!(def < consume, "{pika}");
        // A consumer without on_delivery still records its deliveries.
        has_line(&pika, "def on_global(ch, method, properties, body):");
        has_line(&pika, "def on_message(ch, method, properties, body):");
        has_line(
            &pika,
            "g_ch1.basic_consume(queue=\"jobs.quorum\", on_message_callback=on_message)",
        );
        let lambda = line_index(&java, "onFlaky = (consumerTag, delivery) -> {");
        let jl: Vec<&str> = java.lines().map(str::trim).collect();
        assert_eq!(jl[lambda + 1], "record(flakyCh1, consumerTag, delivery);");
        assert_eq!(
            jl[lambda + 2],
            "try { Thread.sleep(100); } catch (InterruptedException e) { return; }"
        );
        assert_eq!(
            jl[lambda + 3],
            "flakyCh1.basicReject(delivery.getEnvelope().getDeliveryTag(), true);"
        );
        has_line(
            &java,
            r#"flakyCh1.basicConsume("jobs.quorum", false, "flaky", onFlaky, consumerTag -> { });"#,
        );
        has_line(&java, "static DeliverCallback onFlaky;");
        has_line(
            &java,
            r#"gCh1.basicConsume("jobs.quorum", false, "", onMessage, consumerTag -> { });"#,
        );
    }

    #[test]
    fn prefetch_ack_callback_and_the_nth_delivery() {
        let (pika, java) = load(PREFETCH).both("prefetch");
        let lines: Vec<&str> = pika.lines().map(str::trim).collect();
        let def = line_index(&pika, "def on_a(ch, method, properties, body):");
        assert_eq!(lines[def + 2], "time.sleep(0.5)");
        assert_eq!(lines[def + 3], "ch.basic_ack(delivery_tag=method.delivery_tag)");
        has_line(&pika, "worker_a_ch1.basic_qos(prefetch_count=2)");
        has_line(
            &pika,
            r#"worker_a_ch1.basic_consume(queue="tasks", on_message_callback=on_a, consumer_tag="a")"#,
        );
        has_line(&pika, "record(ch, method)  # left unacked: the script settles it");
        has_line(
            &pika,
            r#"worker_b_ch1.basic_ack(delivery_tag=deliveries[worker_b_ch1, "b"][2])  # the 3rd delivery to b"#,
        );
        has_line(
            &pika,
            r#"worker_b_ch1.basic_reject(delivery_tag=deliveries[worker_b_ch1, "b"][0], requeue=True)  # the 1st delivery to b"#,
        );
        has_line(&pika, "worker_b_ch1.close()");
        has_line(&pika, "worker_a_ch1.basic_ack(delivery_tag=0, multiple=True)");
        has_line(&pika, "for n in range(1, 7):");
        has_line(
            &pika,
            r#"app_ch1.basic_publish(exchange="", routing_key="tasks", body=f"task {n}", properties=pika.BasicProperties(delivery_mode=2, message_id=f"m-{n}"))"#,
        );
        has_line(
            &java,
            r#"workerBCh1.basicAck(deliveries.get(workerBCh1).get("b").get(2), false); // the 3rd delivery to b"#,
        );
        has_line(
            &java,
            r#"workerBCh1.basicReject(deliveries.get(workerBCh1).get("b").get(0), true); // the 1st delivery to b"#,
        );
        has_line(&java, "workerACh1.basicQos(2, false);");
        has_line(&java, "workerACh1.basicAck(0, true);");
        has_line(&java, "workerBCh1.close();");
        has_line(
            &java,
            r#"appCh1.basicPublish("", "tasks", false, new AMQP.BasicProperties.Builder().deliveryMode(2).messageId("m-" + n).build(), ("task " + n).getBytes(UTF_8));"#,
        );
        has_line(
            &java,
            "try { Thread.sleep(500); } catch (InterruptedException e) { return; }",
        );
        has_line(
            &java,
            "workerACh1.basicAck(delivery.getEnvelope().getDeliveryTag(), false);",
        );
    }

    #[test]
    fn a_closed_channel_is_reopened_and_a_callback_can_change() {
        let loaded = load(PREFETCH)
            .with(5000, r#"{"do": "basic_get", "connection": "worker-b", "queue": "tasks"}"#)
            .with(5100, r#"{"do": "channel_close", "connection": "worker-b", "channel": 7}"#)
            .with(
                5200,
                r#"{"do": "set_on_delivery", "connection": "worker-a", "consumer_tag": "a", "on_delivery": {"do": "nack", "after_ms": 1500, "requeue": false}}"#,
            )
            .with(5300, r#"{"do": "connection_close", "connection": "worker-a"}"#)
            .with(5400, r#"{"do": "basic_recover", "connection": "worker-a"}"#);
        let (pika, java) = loaded.both("reopen");
        // worker-b's channel 1 was closed at 900 ms: reopened right before its next use.
        let reopen = line_index(
            &pika,
            "worker_b_ch1 = worker_b_conn.channel(channel_number=1)  # reopened: it was closed",
        );
        let get = line_index(&pika, r#"worker_b_ch1.basic_get(queue="tasks")"#);
        // The step around the call reopens the channel too when the broker closed it.
        assert_eq!(get, reopen + 2, "{pika}");
        assert_eq!(pika.lines().nth(reopen + 1), Some(r#"with step("worker_b_ch1"):"#));
        has_line(
            &pika,
            "# channel_close: worker_b_ch7 is not open, nothing to close (the playground skips it)",
        );
        // Consumer a's callback changes later, so its consume looks the callback up by name.
        has_line(
            &pika,
            r#"worker_a_ch1.basic_consume(queue="tasks", on_message_callback=lambda ch, method, properties, body: on_a(ch, method, properties, body), consumer_tag="a")  # looks on_a up at each delivery: a later def changes it"#,
        );
        let changed = line_index(&pika, "# From now on consumer a does this:");
        let lines: Vec<&str> = pika.lines().map(str::trim).collect();
        assert_eq!(lines[changed + 1], "def on_a(ch, method, properties, body):");
        assert_eq!(lines[changed + 3], "time.sleep(1.5)");
        assert_eq!(
            lines[changed + 4],
            "ch.basic_nack(delivery_tag=method.delivery_tag, requeue=False)"
        );
        has_line(&pika, "worker_a_conn.close()");
        let conn = line_index(
            &pika,
            r#"worker_a_conn = connect("worker-a")  # reopened: it was closed"#,
        );
        assert_eq!(
            lines[conn + 1],
            "worker_a_ch1 = worker_a_conn.channel(channel_number=1)  # reopened: it was closed"
        );
        assert_eq!(lines[conn + 2], r#"with step("worker_a_ch1"):"#);
        assert_eq!(lines[conn + 3], "worker_a_ch1.basic_recover(requeue=True)");
        has_line(
            &java,
            "workerBCh1 = workerBConn.createChannel(1); // reopened: it was closed",
        );
        has_line(
            &java,
            r#"workerACh1.basicConsume("tasks", false, "a", (consumerTag, delivery) -> onA.handle(consumerTag, delivery), consumerTag -> { }); // looks onA up at each delivery: assigning it changes it"#,
        );
        has_line(
            &java,
            "workerACh1.basicNack(delivery.getEnvelope().getDeliveryTag(), false, false);",
        );
        has_line(
            &java,
            "workerAConn = factory.newConnection(\"worker-a\"); // reopened: it was closed",
        );
        has_line(&java, "workerACh1.basicRecover(true);");
    }

    #[test]
    fn restart_is_a_pause_and_reopens_every_connection() {
        let (pika, java) = load(RESTART).both("restart");
        has_line(
            &pika,
            "# (broker restart: rabbitmqctl stop_app && rabbitmqctl start_app)",
        );
        has_line(
            &pika,
            r#"pause("Restart the broker (rabbitmqctl stop_app && rabbitmqctl start_app)")"#,
        );
        has(&pika, "def pause(what):");
        let restart = line_index(&pika, "# at 6000 ms");
        let reopen = line_index(&pika, r#"app_conn = connect("app")  # reopened: it was closed"#);
        assert!(restart < reopen, "{pika}");
        has_line(&pika, r#"ui_ch1.queue_declare(queue="session", exclusive=True)"#);
        has_line(
            &pika,
            r#"app_ch1.queue_declare(queue="idle", arguments={"x-expires": 3000})  # x-expires: long"#,
        );
        has_line(&pika, r#"app_ch1.queue_declare(queue="temp", auto_delete=True)"#);
        has_line(&pika, r#"other_ch1.basic_get(queue="session")"#);
        has_line(&pika, r#"app_ch1.basic_cancel(consumer_tag="t")"#);
        has_line(
            &pika,
            r#"app_ch1.queue_bind(queue="audit", exchange="events", routing_key="")"#,
        );
        has_line(
            &java,
            "// (broker restart: rabbitmqctl stop_app && rabbitmqctl start_app)",
        );
        has_line(
            &java,
            r#"pause("Restart the broker (rabbitmqctl stop_app && rabbitmqctl start_app)");"#,
        );
        has_line(&java, r#"uiCh1.queueDeclare("session", false, true, false, null);"#);
        has_line(
            &java,
            r#"appCh1.queueDeclare("idle", false, false, false, Map.of("x-expires", 3000L));"#,
        );
        has_line(&java, r#"appCh1.basicCancel("t");"#);
        has_line(&java, "factory.setAutomaticRecoveryEnabled(false);");
        has_line(&java, "for (Connection conn : List.of(appConn, uiConn, otherConn)) {");
        has_line(&pika, "for conn in [app_conn, ui_conn, other_conn]:");
    }

    #[test]
    fn strings_are_escaped_and_typed_values_noted() {
        let publish = r#"{"do": "publish", "connection": "shop-2", "channel": 3, "exchange": "docs",
            "body": "say \"hi\" \\ {x} {n}\nline 2 — 你好", "count": 2,
            "properties": {"content_type": "text/plain", "correlation_id": "{n}", "priority": 5, "timestamp": 1700000000,
              "headers": [["b", {"type": "byte", "value": -5}], ["u", {"type": "unsignedbyte", "value": 200}],
                          ["d", {"type": "decimal", "value": {"scale": 2, "value": 150}}],
                          ["f", {"type": "double", "value": 1.5}], ["t", {"type": "timestamp", "value": 1700000000}],
                          ["x", {"type": "binary", "value": [0, 34, 255]}], ["v", {"type": "void"}],
                          ["nested", {"type": "table", "value": [["l", {"type": "long", "value": 7}]]}]]}}"#;
        let loaded = load(ROUTING).with(900, publish);
        let (pika, java) = loaded.both("escaping");
        has_line(&pika, "for n in range(1, 3):");
        has_line(
            &pika,
            r#"    shop_2_ch3.basic_publish(exchange="docs", routing_key="", body=f"say \"hi\" \\ {{x}} {n}\nline 2 — 你好", properties=pika.BasicProperties(content_type="text/plain", headers={"b": -5, "u": 200, "d": decimal.Decimal("1.50"), "f": 1.5, "t": datetime.datetime.fromtimestamp(1700000000, datetime.timezone.utc), "x": b"\x00\"\xff", "v": None, "nested": {"l": 7}}, priority=5, correlation_id=f"{n}", timestamp=1700000000))  # b: byte; u: unsignedbyte; d: decimal of scale 2, which pika normalizes; f: double, which pika 1.3 cannot send; nested.l: long"#.trim(),
        );
        has_line(&pika, "import datetime");
        has_line(&pika, "import decimal");
        has_line(&pika, r#"shop_2_conn = connect("shop-2")"#);
        has_line(&pika, "shop_2_ch3 = shop_2_conn.channel(channel_number=3)");
        has_line(
            &java,
            r#"shop2Ch3.basicPublish("docs", "", false, new AMQP.BasicProperties.Builder().contentType("text/plain").headers(table("b", (byte) -5, "u", (short) 200, "d", new BigDecimal("1.50"), "f", 1.5, "t", new Date(1700000000L * 1000), "x", new byte[] {0, 34, -1}, "v", null, "nested", Map.of("l", 7L))).priority(5).correlationId(String.valueOf(n)).timestamp(new Date(1700000000L * 1000)).build(), ("say \"hi\" \\ {x} " + n + "\nline 2 — 你好").getBytes(UTF_8)); // u: unsignedbyte"#,
        );
        has_line(&java, "import java.math.BigDecimal;");
        has(&java, "static Map<String, Object> table(Object... keysAndValues) {");
        // A name in Chinese stays a name; one that would make the same variable as another gets a number.
        let names = load(ROUTING)
            .with(900, r#"{"do": "basic_get", "connection": "订单", "queue": "eu"}"#)
            .with(
                901,
                r#"{"do": "basic_get", "connection": "app!", "queue": "eu", "no_ack": true}"#,
            );
        let (pika, java) = names.both("names");
        has_line(&pika, r#"订单_ch1.basic_get(queue="eu")"#);
        has_line(&java, r#"订单Ch1.basicGet("eu", false);"#);
        has_line(&pika, r#"app2_conn = connect("app!")"#);
        has_line(&pika, r#"app2_ch1.basic_get(queue="eu", auto_ack=True)"#);
        has_line(&java, r#"app2Conn = factory.newConnection("app!");"#);
        // A script with nothing in it is still a program.
        python_compiles("empty", &script(Client::Pika, &[], &[]));
        assert!(script(Client::Java, &[], &[]).ends_with("    }\n}\n"));
        // One copy: {n} is 1, as the playground numbers it.
        let one = load(ROUTING).with(900, r#"{"do": "publish", "routing_key": "q", "body": "m{n}"}"#);
        let (pika, java) = one.both("one-copy");
        has_line(
            &pika,
            r#"app_ch1.basic_publish(exchange="", routing_key="q", body="m1")"#,
        );
        has_line(
            &java,
            r#"appCh1.basicPublish("", "q", false, null, "m1".getBytes(UTF_8));"#,
        );
    }

    #[test]
    fn call_renders_one_operation_with_named_variables() {
        let loaded = load(PREFETCH);
        let consume = &loaded.setup[2];
        assert_eq!(
            call(Client::Pika, consume),
            "def on_a(ch, method, properties, body):\n    record(ch, method)\n    time.sleep(0.5)\n    ch.basic_ack(delivery_tag=method.delivery_tag)\nworker_a_ch1.basic_consume(queue=\"tasks\", on_message_callback=on_a, consumer_tag=\"a\")"
        );
        assert_eq!(
            call(Client::Java, consume),
            "onA = (consumerTag, delivery) -> {\n    record(workerACh1, consumerTag, delivery);\n    try { Thread.sleep(500); } catch (InterruptedException e) { return; }\n    workerACh1.basicAck(delivery.getEnvelope().getDeliveryTag(), false);\n};\nworkerACh1.basicConsume(\"tasks\", false, \"a\", onA, consumerTag -> { });"
        );
        let qos = &loaded.setup[1];
        assert_eq!(call(Client::Pika, qos), "worker_a_ch1.basic_qos(prefetch_count=2)");
        assert_eq!(call(Client::Java, qos), "workerACh1.basicQos(2, false);");
        let (_, close) = &loaded.actions[4];
        assert_eq!(call(Client::Pika, close), "worker_b_ch1.close()");
        assert_eq!(call(Client::Java, close), "workerBCh1.close();");
        let restart = load(RESTART);
        let (_, restart_action) = restart
            .actions
            .iter()
            .find(|(_, a)| matches!(a.op, Op::BrokerRestart {}))
            .expect("the golden restarts the broker");
        assert_eq!(
            call(Client::Pika, restart_action),
            "# (broker restart: rabbitmqctl stop_app && rabbitmqctl start_app)"
        );
        let close_conn: Action = serde_json::from_str(r#"{"do": "connection_close", "connection": "ui"}"#).unwrap();
        assert_eq!(call(Client::Pika, &close_conn), "ui_conn.close()");
        assert_eq!(call(Client::Java, &close_conn), "uiConn.close();");
    }

    #[test]
    fn rpc_reply_and_retry_then_park_callbacks() {
        let loaded = load(DLX_TTL)
            .with(
                3000,
                r#"{"do": "basic_consume", "connection": "rpc", "queue": "orders.dead", "consumer_tag": "server",
                    "on_delivery": {"do": "reply", "after_ms": 20, "body": "pong"}}"#,
            )
            .with(
                3100,
                r#"{"do": "basic_consume", "connection": "worker", "queue": "orders.wait", "consumer_tag": "w",
                    "on_delivery": {"do": "retry_then_park", "after_ms": 10, "attempts": 3, "park_exchange": "orders.dlx", "park_routing_key": "parked"}}"#,
            );
        let (pika, java) = loaded.both("rpc-park");
        let lines: Vec<&str> = pika.lines().map(str::trim).collect();
        let def = line_index(&pika, "def on_server(ch, method, properties, body):");
        assert_eq!(lines[def + 2], "time.sleep(0.02)");
        assert_eq!(lines[def + 3], "if properties.reply_to is not None:");
        assert_eq!(
            lines[def + 4],
            r#"ch.basic_publish(exchange="", routing_key=properties.reply_to, body="pong", properties=pika.BasicProperties(correlation_id=properties.correlation_id))"#
        );
        assert_eq!(lines[def + 5], "ch.basic_ack(delivery_tag=method.delivery_tag)");
        let def = line_index(&pika, "def on_w(ch, method, properties, body):");
        assert_eq!(lines[def + 3], r#"if rejections_from(properties, "orders.wait") < 3:"#);
        assert_eq!(
            lines[def + 6],
            r#"ch.basic_publish(exchange="orders.dlx", routing_key="parked", body=body, properties=properties)"#
        );
        has(&pika, "def rejections_from(properties, queue):");
        has_line(
            &java,
            r#"rpcCh1.basicPublish("", request.getReplyTo(), false, new AMQP.BasicProperties.Builder().correlationId(request.getCorrelationId()).build(), "pong".getBytes(UTF_8));"#,
        );
        has_line(
            &java,
            r#"if (rejectionsFrom(delivery.getProperties(), "orders.wait") < 3L) {"#,
        );
        has_line(
            &java,
            r#"workerCh1.basicPublish("orders.dlx", "parked", false, delivery.getProperties(), delivery.getBody());"#,
        );
        has(
            &java,
            "static long rejectionsFrom(AMQP.BasicProperties properties, String queue) {",
        );
    }

    /// With $MQPLAY_CODE_DUMP set, writes a test's scripts there (`NAME.py`, `NAME/MqplayScenario.java`)
    /// to read them or run them against a broker:
    /// `MQPLAY_CODE_DUMP=/tmp/code cargo test -p mqplay-web rabbit::code -- --include-ignored`.
    fn dump(name: &str, pika: &str, java: &str) {
        let Ok(dir) = std::env::var("MQPLAY_CODE_DUMP") else {
            return;
        };
        let java_dir = format!("{dir}/{name}");
        std::fs::create_dir_all(&java_dir).expect("the dump folder");
        std::fs::write(format!("{dir}/{name}.py"), pika).expect("the pika script is written");
        std::fs::write(format!("{java_dir}/MqplayScenario.java"), java).expect("the Java program is written");
    }

    /// Every golden scenario as it is, for [`dump`].
    #[test]
    #[ignore]
    fn dump_golden_scripts() {
        for (name, json) in [
            ("routing", ROUTING),
            ("dlx_ttl", DLX_TTL),
            ("overflow_quorum", OVERFLOW),
            ("prefetch_requeue", PREFETCH),
            ("restart_lifetimes", RESTART),
        ] {
            load(json).both(name);
        }
    }
}

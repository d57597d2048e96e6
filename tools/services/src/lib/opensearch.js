// OpenSearch 2.x from Maven Central (the integ-test zip: no security plugin, no bundled JDK), run with the
// machine's JDK 17, single node, bound to 127.0.0.1, heap 512m.
//
// The integ-test zip ships only the transport-netty4 module. sentry-opensearch-nodestore deletes with
// _delete_by_query, which lives in the reindex module, so we assemble modules/reindex from Maven Central:
// org.opensearch.plugin:reindex-client (the module's jar) and its runtime dependencies, minus the jars the
// distribution's lib/ already has.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { HOST, OPENSEARCH, PORTS } from "./config.js";
import { asNonRoot, prepareDirsForNonRoot } from "./nonroot.js";
import { aptInstall } from "./pg.js";
import {
  isOurs,
  portFree,
  readPid,
  removeFile,
  run,
  startDetached,
  stopPid,
  waitFor,
  which,
} from "./proc.js";

const id = "opensearch";
const url = `http://${HOST}:${PORTS.opensearchHttp}`;
const home = (ctx) => join(ctx.cache, "opensearch", `opensearch-${OPENSEARCH.version}`);

function running(ctx) {
  const pid = readPid(ctx.pidFile(id));
  return pid && isOurs(pid, home(ctx)) ? pid : undefined;
}

async function health() {
  const root = await (await fetch(`${url}/`, { signal: AbortSignal.timeout(3000) })).json();
  const h = await (
    await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=2s`, {
      signal: AbortSignal.timeout(5000),
    })
  ).json();
  if (h.status !== "green" && h.status !== "yellow") throw new Error(`cluster health ${h.status}`);
  return { version: `OpenSearch ${root.version.number}`, url };
}

async function javaMajor(java) {
  const r = await run(java, ["-version"], { allowFail: true });
  const m = `${r.stderr}${r.stdout}`.match(/version "(\d+)(?:\.(\d+))?/);
  if (!m) return undefined;
  return m[1] === "1" ? Number(m[2]) : Number(m[1]);
}

/** A JDK OpenSearch 2.x supports (11, 17 or 21); JDK 17 preferred. */
async function findJavaHome(ctx) {
  if (process.env.NODESTORE_JAVA_HOME) return { home: process.env.NODESTORE_JAVA_HOME };
  const candidates = [];
  if (existsSync("/usr/lib/jvm"))
    candidates.push(...readdirSync("/usr/lib/jvm").map((d) => join("/usr/lib/jvm", d)));
  if (process.env.JAVA_HOME) candidates.push(process.env.JAVA_HOME);
  const found = [];
  for (const c of candidates) {
    const java = join(c, "bin", "java");
    if (existsSync(java)) found.push({ home: c, major: await javaMajor(java) });
  }
  for (const want of [17, 21, 11]) {
    const hit = found.find((f) => f.major === want);
    if (hit) return hit;
  }
  if (ctx.javaInstallTried) throw new Error("no JDK 17, 21 or 11 found (set NODESTORE_JAVA_HOME)");
  ctx.javaInstallTried = true;
  await aptInstall(ctx, ["openjdk-17-jre-headless"], ctx.logFile(`${id}-install`));
  return findJavaHome(ctx);
}

async function mvn(ctx, args, opts = {}) {
  if (!which("mvn")) await aptInstall(ctx, ["maven"], ctx.logFile(`${id}-install`));
  return run("mvn", ["-B", "-q", `-Dmaven.repo.local=${join(ctx.cache, "m2")}`, ...args], {
    logFile: ctx.logFile(`${id}-install`),
    ...opts,
  });
}

function reindexPom() {
  const [group, artifact, version] = OPENSEARCH.reindexClient.split(":");
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.nodestore</groupId>
  <artifactId>opensearch-reindex-module</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`;
}

const artifactName = (jar) => jar.replace(/-\d[\w.]*\.jar$/, "");

async function installReindexModule(ctx, dist) {
  const work = join(ctx.cache, "opensearch", "reindex-build");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "pom.xml"), reindexPom());
  await mvn(
    ctx,
    [
      `${OPENSEARCH.dependencyPlugin}:copy-dependencies`,
      "-DincludeScope=runtime",
      `-DoutputDirectory=${join(work, "jars")}`,
    ],
    { cwd: work },
  );
  const inLib = new Set(
    readdirSync(join(dist, "lib"))
      .filter((f) => f.endsWith(".jar"))
      .map(artifactName),
  );
  const target = join(dist, "modules", "reindex");
  mkdirSync(target, { recursive: true });
  for (const jar of readdirSync(join(work, "jars"))) {
    if (!inLib.has(artifactName(jar))) cpSync(join(work, "jars", jar), join(target, jar));
  }
  writeFileSync(
    join(target, "plugin-descriptor.properties"),
    [
      "description=The Reindex module adds APIs to reindex from one index to another or update documents in place.",
      `version=${OPENSEARCH.version}`,
      "name=reindex",
      "classname=org.opensearch.index.reindex.ReindexPlugin",
      "java.version=11",
      `opensearch.version=${OPENSEARCH.version}`,
      "extended.plugins=",
      "has.native.controller=false",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(target, "plugin-security.policy"),
    'grant {\n  // reindex from remote opens sockets through the REST client\n  permission java.net.SocketPermission "*", "connect";\n};\n',
  );
  rmSync(work, { recursive: true, force: true });
}

export const opensearch = {
  id,
  title: "OpenSearch (single node)",
  ports: [PORTS.opensearchHttp, PORTS.opensearchTransport],
  running,
  health,
  async install(ctx) {
    const dist = home(ctx);
    const marker = join(dist, ".nodestore-installed");
    if (existsSync(marker)) return { cached: true };
    const base = join(ctx.cache, "opensearch");
    const download = join(base, "download");
    mkdirSync(download, { recursive: true });
    ctx.say(`    mvn dependency:copy ${OPENSEARCH.artifact}`);
    await mvn(ctx, [
      `${OPENSEARCH.dependencyPlugin}:copy`,
      `-Dartifact=${OPENSEARCH.artifact}`,
      `-DoutputDirectory=${download}`,
    ]);
    const zip = join(download, `opensearch-${OPENSEARCH.version}.zip`);
    const tmp = join(base, "unpack");
    rmSync(tmp, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
    if (!which("unzip")) await aptInstall(ctx, ["unzip"], ctx.logFile(`${id}-install`));
    await run("unzip", ["-q", zip, "-d", tmp]);
    renameSync(join(tmp, `opensearch-${OPENSEARCH.version}`), dist);
    rmSync(tmp, { recursive: true, force: true });
    ctx.say(`    assembling modules/reindex from ${OPENSEARCH.reindexClient}`);
    await installReindexModule(ctx, dist);
    rmSync(zip, { force: true });
    writeFileSync(marker, `${new Date().toISOString()}\n`);
    return { cached: false };
  },
  async start(ctx) {
    const dist = home(ctx);
    const base = join(ctx.cache, "opensearch");
    const conf = join(base, "config");
    const data = join(base, "data");
    const logs = join(base, "logs");
    const tmp = join(base, "tmp");
    for (const d of [data, logs, tmp]) mkdirSync(d, { recursive: true });
    rmSync(conf, { recursive: true, force: true });
    cpSync(join(dist, "config"), conf, { recursive: true });
    writeFileSync(
      join(conf, "opensearch.yml"),
      [
        "cluster.name: nodestore-test",
        "node.name: nodestore-1",
        `network.host: ${HOST}`,
        `http.port: ${PORTS.opensearchHttp}`,
        `transport.port: ${PORTS.opensearchTransport}`,
        "discovery.type: single-node",
        `path.data: ${data}`,
        `path.logs: ${logs}`,
        "action.auto_create_index: true",
        "cluster.routing.allocation.disk.threshold_enabled: false",
        "node.processors: 2",
        "",
      ].join("\n"),
    );
    const jvm = readFileSync(join(conf, "jvm.options"), "utf8")
      .replace(/^-Xms\S+$/m, `-Xms${OPENSEARCH.heap}`)
      .replace(/^-Xmx\S+$/m, `-Xmx${OPENSEARCH.heap}`);
    writeFileSync(join(conf, "jvm.options"), jvm);
    const java = await findJavaHome(ctx);
    prepareDirsForNonRoot([base]);
    const w = asNonRoot(join(dist, "bin", "opensearch"), []);
    const pid = await startDetached({
      cmd: w.cmd,
      args: w.args,
      uid: w.uid,
      gid: w.gid,
      env: {
        ...process.env,
        OPENSEARCH_JAVA_HOME: java.home,
        JAVA_HOME: java.home,
        OPENSEARCH_PATH_CONF: conf,
        OPENSEARCH_TMPDIR: tmp,
        OPENSEARCH_JAVA_OPTS: `-Xms${OPENSEARCH.heap} -Xmx${OPENSEARCH.heap}`,
      },
      cwd: dist,
      logFile: ctx.logFile(id),
      pidFile: ctx.pidFile(id),
    });
    await waitFor(`OpenSearch on ${url}`, () => health(), {
      timeoutMs: 180_000,
      intervalMs: 1000,
      alive: () => isOurs(pid, dist),
    });
    return pid;
  },
  async stop(ctx) {
    const pid = running(ctx);
    removeFile(ctx.pidFile(id));
    return pid ? stopPid(pid, { signal: "SIGTERM", timeoutMs: 30_000 }) : "not running";
  },
  env() {
    return { NODESTORE_OPENSEARCH_URL: url };
  },
  async portsFree() {
    return (await portFree(PORTS.opensearchHttp)) && (await portFree(PORTS.opensearchTransport));
  },
};

// OpenSearch from Maven Central (the integ-test zip: no security plugin, no bundled JDK), single node, bound to
// 127.0.0.1, heap 1 GB. Two services from one recipe:
//   - `opensearch`: 2.19.6 on the machine's JDK 17. Its integ-test zip ships only the transport-netty4 module.
//     sentry-opensearch-nodestore deletes with _delete_by_query, which lives in the reindex module, so we
//     assemble modules/reindex from Maven Central: org.opensearch.plugin:reindex-client (the module's jar) and
//     its runtime dependencies, minus the jars the distribution's lib/ already has.
//   - `opensearch3`: 3.8.0 (every module included) on a JDK >= 21: Debian 12 has none, so it takes one found in
//     /usr/lib/jvm (Temurin 25 on this project's machines) or NODESTORE_JAVA21_HOME.
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
import { HOST, OPENSEARCH, OPENSEARCH3, PORTS } from "./config.js";
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

/** Log of the installs (Maven, apt, unzip), shared by both versions. */
const installLog = (ctx) => ctx.logFile("opensearch-install");

async function health(url) {
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

/** Every JDK in /usr/lib/jvm and $JAVA_HOME, with its major version. */
async function installedJdks() {
  const candidates = [];
  if (existsSync("/usr/lib/jvm"))
    candidates.push(...readdirSync("/usr/lib/jvm").map((d) => join("/usr/lib/jvm", d)));
  if (process.env.JAVA_HOME) candidates.push(process.env.JAVA_HOME);
  const found = [];
  for (const c of candidates) {
    const java = join(c, "bin", "java");
    if (existsSync(java)) found.push({ home: c, major: await javaMajor(java) });
  }
  return found;
}

/** A JDK OpenSearch 2.x supports (11, 17 or 21); JDK 17 preferred. */
async function findJava2(ctx) {
  if (process.env.NODESTORE_JAVA_HOME) return { home: process.env.NODESTORE_JAVA_HOME };
  const found = await installedJdks();
  for (const want of [17, 21, 11]) {
    const hit = found.find((f) => f.major === want);
    if (hit) return hit;
  }
  if (ctx.javaInstallTried) throw new Error("no JDK 17, 21 or 11 found (set NODESTORE_JAVA_HOME)");
  ctx.javaInstallTried = true;
  await aptInstall(ctx, ["openjdk-17-jre-headless"], installLog(ctx));
  return findJava2(ctx);
}

/** A JDK >= 21 for OpenSearch 3.x: 21 preferred, else the newest. Debian 12 packages none. */
async function findJava3() {
  if (process.env.NODESTORE_JAVA21_HOME) return { home: process.env.NODESTORE_JAVA21_HOME };
  const found = (await installedJdks()).filter((f) => f.major !== undefined && f.major >= 21);
  const hit = found.find((f) => f.major === 21) ?? found.sort((a, b) => b.major - a.major)[0];
  if (hit) return hit;
  throw new Error(
    "OpenSearch 3.x needs a JDK >= 21 and none was found in /usr/lib/jvm or $JAVA_HOME (Debian 12 packages " +
      "only OpenJDK 17): install one (e.g. Temurin 21 or 25) and/or set NODESTORE_JAVA21_HOME",
  );
}

async function mvn(ctx, args, opts = {}) {
  if (!which("mvn")) await aptInstall(ctx, ["maven"], installLog(ctx));
  return run("mvn", ["-B", "-q", `-Dmaven.repo.local=${join(ctx.cache, "m2")}`, ...args], {
    logFile: installLog(ctx),
    ...opts,
  });
}

function reindexPom(reindexClient) {
  const [group, artifact, version] = reindexClient.split(":");
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

async function installReindexModule(ctx, spec, base, dist) {
  const work = join(base, "reindex-build");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "pom.xml"), reindexPom(spec.reindexClient));
  await mvn(
    ctx,
    [
      `${spec.dependencyPlugin}:copy-dependencies`,
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
      `version=${spec.version}`,
      "name=reindex",
      "classname=org.opensearch.index.reindex.ReindexPlugin",
      "java.version=11",
      `opensearch.version=${spec.version}`,
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

/**
 * One OpenSearch service: `id`, the Maven artifact (`spec`), its cache folder, ports, how to find its JDK and the
 * variable its URL is exported as.
 */
function openSearchService({ id, title, spec, dir, httpPort, transportPort, findJava, envVar }) {
  const url = `http://${HOST}:${httpPort}`;
  const base = (ctx) => join(ctx.cache, dir);
  const home = (ctx) => join(base(ctx), `opensearch-${spec.version}`);
  const running = (ctx) => {
    const pid = readPid(ctx.pidFile(id));
    return pid && isOurs(pid, home(ctx)) ? pid : undefined;
  };
  return {
    id,
    title,
    ports: [httpPort, transportPort],
    running,
    health: () => health(url),
    async install(ctx) {
      const dist = home(ctx);
      const marker = join(dist, ".nodestore-installed");
      if (existsSync(marker)) return { cached: true };
      const download = join(base(ctx), "download");
      mkdirSync(download, { recursive: true });
      ctx.say(`    mvn dependency:copy ${spec.artifact}`);
      await mvn(ctx, [
        `${spec.dependencyPlugin}:copy`,
        `-Dartifact=${spec.artifact}`,
        `-DoutputDirectory=${download}`,
      ]);
      const zip = join(download, `opensearch-${spec.version}.zip`);
      const tmp = join(base(ctx), "unpack");
      rmSync(tmp, { recursive: true, force: true });
      rmSync(dist, { recursive: true, force: true });
      if (!which("unzip")) await aptInstall(ctx, ["unzip"], installLog(ctx));
      await run("unzip", ["-q", zip, "-d", tmp]);
      renameSync(join(tmp, `opensearch-${spec.version}`), dist);
      rmSync(tmp, { recursive: true, force: true });
      if (spec.reindexClient && !existsSync(join(dist, "modules", "reindex"))) {
        ctx.say(`    assembling modules/reindex from ${spec.reindexClient}`);
        await installReindexModule(ctx, spec, base(ctx), dist);
      }
      rmSync(zip, { force: true });
      writeFileSync(marker, `${new Date().toISOString()}\n`);
      return { cached: false };
    },
    async start(ctx) {
      const dist = home(ctx);
      const conf = join(base(ctx), "config");
      const data = join(base(ctx), "data");
      const logs = join(base(ctx), "logs");
      const tmp = join(base(ctx), "tmp");
      for (const d of [data, logs, tmp]) mkdirSync(d, { recursive: true });
      rmSync(conf, { recursive: true, force: true });
      cpSync(join(dist, "config"), conf, { recursive: true });
      writeFileSync(
        join(conf, "opensearch.yml"),
        [
          "cluster.name: nodestore-test",
          `node.name: nodestore-${id}`,
          `network.host: ${HOST}`,
          `http.port: ${httpPort}`,
          `transport.port: ${transportPort}`,
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
        .replace(/^-Xms\S+$/m, `-Xms${spec.heap}`)
        .replace(/^-Xmx\S+$/m, `-Xmx${spec.heap}`);
      writeFileSync(join(conf, "jvm.options"), jvm);
      const java = await findJava(ctx);
      prepareDirsForNonRoot([base(ctx)]);
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
          OPENSEARCH_JAVA_OPTS: `-Xms${spec.heap} -Xmx${spec.heap}`,
        },
        cwd: dist,
        logFile: ctx.logFile(id),
        pidFile: ctx.pidFile(id),
      });
      await waitFor(`OpenSearch on ${url}`, () => health(url), {
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
      return { [envVar]: url };
    },
    async portsFree() {
      return (await portFree(httpPort)) && (await portFree(transportPort));
    },
  };
}

/** OpenSearch 2.19 (JDK 17): NODESTORE_OPENSEARCH_URL. Its folders are the ones it always had. */
export const opensearch = openSearchService({
  id: "opensearch",
  title: "OpenSearch 2.x (single node)",
  spec: OPENSEARCH,
  dir: "opensearch",
  httpPort: PORTS.opensearchHttp,
  transportPort: PORTS.opensearchTransport,
  findJava: findJava2,
  envVar: "NODESTORE_OPENSEARCH_URL",
});

/** OpenSearch 3.x (JDK >= 21): NODESTORE_OPENSEARCH3_URL. */
export const opensearch3 = openSearchService({
  id: "opensearch3",
  title: "OpenSearch 3.x (single node)",
  spec: OPENSEARCH3,
  dir: "opensearch3",
  httpPort: PORTS.opensearch3Http,
  transportPort: PORTS.opensearch3Transport,
  findJava: findJava3,
  envVar: "NODESTORE_OPENSEARCH3_URL",
});

// No server configured: run the integration suites on an embedded one rather than skip them.
import { embeddedTestServers } from "@nodestore/services";

export default embeddedTestServers(["postgres"]);

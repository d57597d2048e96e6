// No server configured: run the suites on the local Tablestore server, started as a child, rather than skip.
import { embeddedTestServers } from "@nodestore/services";

export default embeddedTestServers(["tablestore"]);

import { createMemoryBroker } from "../../src/broker/memory-broker.js";
import { brokerContract } from "./broker.contract.js";

brokerContract("memory", async () => createMemoryBroker());

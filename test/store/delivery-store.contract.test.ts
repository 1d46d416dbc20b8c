// The DeliveryStore contract on both drivers the hub runs on, in every run: PGlite whatever TEST_STORE says.
import { createPostgresDatabase } from "../helpers/test-database.js";
import { deliveryStoreContract } from "./delivery-store.contract.js";

deliveryStoreContract("PostgreSQL", createPostgresDatabase);
deliveryStoreContract("PGlite", async () => ({ url: null, drop: async () => {} }));

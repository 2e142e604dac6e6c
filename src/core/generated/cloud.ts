// Generated from schemas/cloud.schema.json by `npm run gen:types`. Do not edit.

/**
 * One ATLAS cloud (regional federation led by a Tier-1). File: sites/<CLOUD>/cloud.yaml.
 */
export interface ATLASCloud {
  /**
   * Cloud name; equals the cloud folder.
   */
  name: "CA" | "CERN" | "DE" | "ES" | "FR" | "IT" | "ND" | "NL" | "RU" | "TW" | "UK" | "US";
  /**
   * Who runs the cloud, in a sentence.
   */
  description?: string;
  /**
   * ATLAS site name of the Tier-1 (or Tier-0) leading the cloud.
   */
  tier1?: string;
  /**
   * Cloud squad mailing list, e.g. `atlas-adc-cloud-de@cern.ch`; in Cc of every site mail.
   */
  support_list: string;
  /**
   * GitHub teams (`@org/team`) or users who approve changes anywhere in the cloud.
   *
   * @minItems 1
   */
  owners: [string, ...string[]];
}

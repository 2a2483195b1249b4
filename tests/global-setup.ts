// Placeholder until the database harness lands (replaced by the DB helper).
export default async function setup() {}

// The peer of tools/bench/api: Neo4j's GraphQL Library (@neo4j/graphql) behind Apollo Server's
// standalone HTTP server, with type definitions over the graph the investigator loads
// (docs/GRAPH_MODEL.md). Times and amounts are Neo4j integers, hence BigInt.
//   NEO4J_URI=bolt://127.0.0.1:7710 PORT=18711 node server.mjs
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const typeDefs = /* GraphQL */ `
  type Account @node {
    id: ID!
    role: String
    orders: [Order!]! @relationship(type: "PLACED", direction: OUT)
    reviews: [Review!]! @relationship(type: "WROTE", direction: OUT)
    identifiers: [Identifier!]! @relationship(type: "USES", direction: OUT)
    paymentsSent: [Payment!]! @relationship(type: "PAID", direction: OUT)
  }
  type Identifier @node {
    key: ID!
    kind: String!
    "How many accounts use the identifier, as the investigator's Identifier.accounts."
    accounts: Int!
      @cypher(statement: "RETURN COUNT { (this)<-[:USES]-(:Account) } AS n", columnName: "n")
  }
  type Shop @node {
    id: ID!
    name: String
    owner: Account @relationship(type: "OWNS", direction: IN)
    reviews: [Review!]! @relationship(type: "ABOUT", direction: IN)
  }
  type Order @node {
    id: ID!
    amount: BigInt!
    currency: String!
    placedAt: BigInt!
    status: String
    shop: Shop @relationship(type: "AT", direction: OUT)
  }
  type Review @node {
    id: ID!
    rating: Int!
    postedAt: BigInt!
    author: Account @relationship(type: "WROTE", direction: IN)
    shop: Shop @relationship(type: "ABOUT", direction: OUT)
  }
  type Payment @node {
    id: ID!
    amount: BigInt!
    currency: String!
    paidAt: BigInt!
    private: Boolean
    to: Account @relationship(type: "TO", direction: OUT)
  }
`;

const driver = neo4j.driver(process.env.NEO4J_URI || "bolt://127.0.0.1:7710", neo4j.auth.basic("neo4j", "neo4j-dev"));
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
if (process.argv.includes("--print-schema")) {
  const { printSchema } = await import("graphql");
  console.log(printSchema(schema));
  process.exit(0);
}
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(process.env.PORT || 18711) },
});
console.log(`peer ready at ${url}`);

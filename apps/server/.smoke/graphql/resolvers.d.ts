export declare const resolvers: import("@faceledger/schema/server").Resolvers<import("./context.js").AppContext>[];

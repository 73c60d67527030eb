// FaceLedgerClient: typed calls of the FaceLedger API for Node 20+. GraphQL operations are the
// documents of operations/*.graphql, typed by graphql-codegen from the server's SDL; images given as
// a file path, bytes or a Blob go to the multipart routes (POST /api/identify, /api/verify,
// /api/detect) or, for enrollment and images over 10 MB, inline or through an upload.
import { errorOfResponse, FaceLedgerError, firstError, type GraphQLErrorEntry } from './errors.js';
import {
  CompareFacesDocument,
  CreateApiKeyDocument,
  CreateGalleryDocument,
  CreateIdentityDocument,
  DetectFacesDocument,
  EnrollFaceDocument,
  GalleriesDocument,
  GalleryDocument,
  IdentifyDocument,
  IdentitiesDocument,
  IdentityDocument,
  MatchEventsDocument,
  SignInDocument,
  VerifyDocument,
  ViewerDocument,
  type CompareFacesMutation,
  type CreateApiKeyInput,
  type CreateApiKeyMutation,
  type CreateGalleryInput,
  type CreateGalleryMutation,
  type CreateIdentityInput,
  type CreateIdentityMutation,
  type DetectFacesMutation,
  type EnrollFaceMutation,
  type GalleriesQuery,
  type IdentifyMutation,
  type IdentitiesQuery,
  type IdentitiesQueryVariables,
  type IdentityQuery,
  type ImageInput,
  type MatchEventsSubscription,
  type MatchEventsSubscriptionVariables,
  type TypedDocumentString,
  type VerifyMutation,
  type ViewerQuery,
} from './generated/graphql.js';
import {
  base64Of,
  imageInputOf,
  isImageInput,
  MAX_INLINE_IMAGE_BYTES,
  readImage,
  type ImageFile,
  type ImageSource,
} from './images.js';
import {
  iterate,
  subscribe,
  type LiveFeedHandlers,
  type LiveFeedIterator,
  type LiveFeedSubscription,
} from './live-feed.js';

export type IdentifyResult = IdentifyMutation['identify'];
export type VerifyResult = VerifyMutation['verify'];
export type DetectResult = DetectFacesMutation['detectFaces'];
export type CompareResult = CompareFacesMutation['compareFaces'];
export type EnrollFaceResult = EnrollFaceMutation['enrollFace'];
export type Identity = CreateIdentityMutation['createIdentity'];
export type Gallery = CreateGalleryMutation['createGallery'];
export type CreatedApiKey = CreateApiKeyMutation['createApiKey'];
export type LiveMatchEvent = MatchEventsSubscription['matchEvents'];

/** How to reach the server and as whom. */
export interface FaceLedgerClientOptions {
  /** The server's origin, such as http://localhost:4000 (the admin's origin works too: it forwards /graphql and /api). */
  url: string;
  /** An API key (fl_…) from createApiKey: integrations. */
  apiKey?: string;
  /** "faceledger_session=…", as FaceLedgerClient.signIn sets it: people (admins setting things up). */
  sessionCookie?: string;
  /** Another fetch (a proxy agent, a test double); the global one by default. */
  fetch?: typeof fetch;
}

/** What POST /api/uploads answers: the ImageInput to pass, and until when it is usable. */
export interface Upload {
  uploadId: string;
  bytes: number;
  expiresAt: string;
}

export class FaceLedgerClient {
  readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly sessionCookie: string | undefined;
  private readonly fetch: typeof fetch;

  constructor(options: FaceLedgerClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.sessionCookie = options.sessionCookie;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Signs a person in and returns a client that calls with their session cookie. */
  static async signIn(options: {
    url: string;
    email: string;
    password: string;
    fetch?: typeof fetch;
  }): Promise<FaceLedgerClient> {
    const anonymous = new FaceLedgerClient({
      url: options.url,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const res = await anonymous.post('/graphql', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: SignInDocument.toString(),
        variables: { email: options.email, password: options.password },
      }),
    });
    await anonymous.dataOf(res);
    const sessionCookie = res.headers
      .getSetCookie()
      .map((header) => header.split(';')[0] ?? '')
      .find((pair) => pair.startsWith('faceledger_session='));
    if (!sessionCookie)
      throw new FaceLedgerError('INTERNAL', 'signIn answered without a session cookie.', res.status);
    return new FaceLedgerClient({ ...options, sessionCookie });
  }

  /** Runs any typed document (the exported *Document constants, or your own TypedDocumentString); throws FaceLedgerError for the first error. */
  async request<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables?: TVariables,
  ): Promise<TResult> {
    const res = await this.post('/graphql', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
    return this.dataOf<TResult>(res);
  }

  /** Uploads an image (up to 20 MB) with POST /api/uploads; pass the answer as any call's image for 24 hours. */
  async upload(image: Exclude<ImageSource, ImageInput>): Promise<Upload> {
    return this.postFile<Upload>('/api/uploads', await readImage(image), {});
  }

  /** An ImageInput for any GraphQL call: inline base64 up to 10 MB, else uploaded first (an Upload or ImageInput as it is). */
  async imageInput(image: ImageSource): Promise<ImageInput> {
    if (isImageInput(image)) return imageInputOf(image);
    const file = await readImage(image);
    if (file.blob.size > MAX_INLINE_IMAGE_BYTES) return { uploadId: (await this.upload(file.blob)).uploadId };
    return { base64: await base64Of(file) };
  }

  /** Who is this? Every face of the image against the gallery (scope identify). A file goes as multipart to POST /api/identify. */
  async identify(args: {
    galleryId: string;
    image: ImageSource;
    topK?: number;
    threshold?: number;
  }): Promise<IdentifyResult> {
    const { galleryId, topK = null, threshold = null } = args;
    return this.recognize(
      args.image,
      (file) => this.postFile('/api/identify', file, { galleryId, topK, threshold }),
      async (image) => (await this.request(IdentifyDocument, { galleryId, image, topK, threshold })).identify,
    );
  }

  /** Is this the identity? The image's largest face against its faces (scope verify). A file goes to POST /api/verify. */
  async verify(args: { identityId: string; image: ImageSource; threshold?: number }): Promise<VerifyResult> {
    const { identityId, threshold = null } = args;
    return this.recognize(
      args.image,
      (file) => this.postFile('/api/verify', file, { identityId, threshold }),
      async (image) => (await this.request(VerifyDocument, { identityId, image, threshold })).verify,
    );
  }

  /** Every face with box, landmarks, pose, quality and spoof scores (scope detect). A file goes to POST /api/detect. */
  async detectFaces(args: { image: ImageSource }): Promise<DetectResult> {
    return this.recognize(
      args.image,
      (file) => this.postFile('/api/detect', file, {}),
      async (image) => (await this.request(DetectFacesDocument, { image })).detectFaces,
    );
  }

  /** Do two images show the same person? (scope verify) */
  async compareFaces(args: {
    imageA: ImageSource;
    imageB: ImageSource;
    threshold?: number;
  }): Promise<CompareResult> {
    const [imageA, imageB] = await Promise.all([this.imageInput(args.imageA), this.imageInput(args.imageB)]);
    return (await this.request(CompareFacesDocument, { imageA, imageB, threshold: args.threshold ?? null }))
      .compareFaces;
  }

  /** Adds a face to an identity (scope enroll); switch on the answer's __typename (Enrolled, NoFace, ...). */
  async enrollFace(args: { identityId: string; image: ImageSource }): Promise<EnrollFaceResult> {
    const image = await this.imageInput(args.image);
    return (await this.request(EnrollFaceDocument, { identityId: args.identityId, image })).enrollFace;
  }

  /** A new identity in a gallery (scope enroll). */
  async createIdentity(input: CreateIdentityInput): Promise<Identity> {
    return (await this.request(CreateIdentityDocument, { input })).createIdentity;
  }

  /** One identity (scope enroll or read). */
  async identity(id: string): Promise<IdentityQuery['identity']> {
    return (await this.request(IdentityDocument, { id })).identity;
  }

  /** A page of a gallery's identities (scope enroll or read). */
  async identities(args: IdentitiesQueryVariables): Promise<IdentitiesQuery['identities']> {
    return (await this.request(IdentitiesDocument, args)).identities;
  }

  /** The galleries the caller may see (a gallery-restricted key: its own). */
  async galleries(): Promise<GalleriesQuery['galleries']> {
    return (await this.request(GalleriesDocument)).galleries;
  }

  /** One gallery by id. */
  async gallery(id: string): Promise<Gallery> {
    return (await this.request(GalleryDocument, { id })).gallery;
  }

  /** A new gallery (signed in as ADMIN or HR). */
  async createGallery(input: CreateGalleryInput): Promise<Gallery> {
    return (await this.request(CreateGalleryDocument, { input })).createGallery;
  }

  /** A new API key (signed in as ADMIN); its secret is in this answer only. */
  async createApiKey(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    return (await this.request(CreateApiKeyDocument, { input })).createApiKey;
  }

  /** Who is calling: the user, or the key with its scopes. */
  async viewer(): Promise<ViewerQuery['viewer']> {
    return (await this.request(ViewerDocument)).viewer;
  }

  /**
   * The gallery's identify and verify events as they commit (scope identify or read), over
   * graphql-ws on its own WebSocket. Await `connected` before relying on it; `unsubscribe()` closes it.
   */
  subscribeMatchEvents(
    variables: MatchEventsSubscriptionVariables,
    handlers: LiveFeedHandlers<LiveMatchEvent>,
  ): LiveFeedSubscription {
    return subscribe(
      { url: this.url, apiKey: this.apiKey, sessionCookie: this.sessionCookie },
      { query: MatchEventsDocument.toString(), variables: { ...variables }, field: 'matchEvents' },
      handlers,
    );
  }

  /**
   * The same as an async iterator, subscribed at once: `for await (const event of client.matchEvents({ galleryId }))`;
   * leaving the loop unsubscribes. `connected` as for subscribeMatchEvents.
   */
  matchEvents(variables: MatchEventsSubscriptionVariables): LiveFeedIterator<LiveMatchEvent> {
    return iterate((handlers) => this.subscribeMatchEvents(variables, handlers));
  }

  /** An ImageInput goes to GraphQL; a file up to 10 MB to its multipart route; a larger one is uploaded first. */
  private async recognize<T>(
    image: ImageSource,
    multipart: (file: ImageFile) => Promise<T>,
    graphql: (image: ImageInput) => Promise<T>,
  ): Promise<T> {
    if (isImageInput(image)) return graphql(imageInputOf(image));
    const file = await readImage(image);
    if (file.blob.size <= MAX_INLINE_IMAGE_BYTES) return multipart(file);
    return graphql({ uploadId: (await this.upload(file.blob)).uploadId });
  }

  private authHeaders(): Record<string, string> {
    if (this.apiKey) return { authorization: `Bearer ${this.apiKey}` };
    if (this.sessionCookie) return { cookie: this.sessionCookie };
    return {};
  }

  private post(route: string, init: { headers?: Record<string, string>; body: BodyInit }): Promise<Response> {
    return this.fetch(`${this.url}${route}`, {
      method: 'POST',
      headers: { ...this.authHeaders(), ...init.headers },
      body: init.body,
    });
  }

  /** POSTs the file in the form field "image" with `fields` (nulls left out); the JSON answer, or the error of a non-2xx one. */
  private async postFile<T>(
    route: string,
    file: ImageFile,
    fields: Record<string, string | number | null>,
  ): Promise<T> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) if (value !== null) form.set(name, String(value));
    form.set('image', file.blob, file.name);
    const res = await this.post(route, { body: form });
    if (!res.ok) throw await errorOfResponse(res);
    return (await res.json()) as T;
  }

  /** The `data` of a GraphQL answer; the first error as a FaceLedgerError. */
  private async dataOf<T>(res: Response): Promise<T> {
    const body = (await res.json().catch(() => null)) as {
      data?: T | null;
      errors?: GraphQLErrorEntry[];
    } | null;
    const error = firstError(body?.errors, res.status);
    if (error) throw error;
    if (!body?.data)
      throw new FaceLedgerError(
        'INTERNAL',
        `The server answered HTTP ${res.status} without data.`,
        res.status,
      );
    return body.data;
  }
}

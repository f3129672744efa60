import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { Principal } from '@portico/kit';
import { Contact } from '../contact/contact.entity';
import { Customer } from '../customer/customer.entity';
import { StaffUser } from '../staff/staff-user.entity';

export enum ViewerKind {
  ANONYMOUS = 'anonymous',
  CONTACT = 'contact',
  STAFF = 'staff',
  PARTNER = 'partner',
}
registerEnumType(ViewerKind, {
  name: 'ViewerKind',
  description: 'What kind of principal is asking.',
});

@ObjectType({ description: 'Who is signed in for this request, if anyone.' })
export class Viewer {
  @Field(() => ViewerKind)
  kind!: ViewerKind;

  @Field(() => Contact, {
    nullable: true,
    description: 'Set when a customer contact is signed in.',
  })
  contact!: Contact | null;

  @Field(() => Customer, {
    nullable: true,
    description: "The signed-in contact's customer.",
  })
  customer!: Customer | null;

  @Field(() => StaffUser, { nullable: true, description: 'Set when a staff user is signed in.' })
  staffUser!: StaffUser | null;

  @Field(() => String, { nullable: true, description: 'Set when a partner API client is calling.' })
  partnerClientId!: string | null;

  @Field(() => [String], { description: 'Scopes of a partner token; empty for people.' })
  scopes!: string[];
}

/** Resolves the viewer through the request's scoped loaders. */
export async function loadViewer(
  principal: Principal,
  loaders: {
    contactById: (id: string) => Promise<Contact | null>;
    customerById: (id: string) => Promise<Customer | null>;
    staffUserById: (id: string) => Promise<StaffUser | null>;
  },
): Promise<Viewer> {
  const viewer: Viewer = {
    kind: principal.kind as ViewerKind,
    contact: null,
    customer: null,
    staffUser: null,
    partnerClientId: null,
    scopes: [],
  };
  switch (principal.kind) {
    case 'contact':
      [viewer.contact, viewer.customer] = await Promise.all([
        loaders.contactById(principal.contactId),
        loaders.customerById(principal.customerId),
      ]);
      break;
    case 'staff':
      viewer.staffUser = await loaders.staffUserById(principal.staffUserId);
      break;
    case 'partner':
      viewer.partnerClientId = principal.clientId;
      viewer.scopes = principal.scopes;
      break;
    case 'anonymous':
      break;
  }
  return viewer;
}
